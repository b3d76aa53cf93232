/* cmd_webdis.h: `redis-init webdis` writes webdis.json (0600) into the conf
 * dir for Webdis 0.1.12 or later (seed 001's HTTP API) behind the master
 * router:
 *  - redis_host: the router's Service ([router] service, in the cluster's
 *    namespace and domain), redis_port: [cluster] redis-port;
 *  - redis_auth: ["WEBDIS_USERNAME", "WEBDIS_PASSWORD"] from the secrets, the
 *    user redis-init creates on the redis pods with exactly the commands
 *    below (WEBDIS_PASSWORD is required here: EX_DATAERR naming it);
 *  - http_port: [webdis] port; an HTTP ACL that disables every command, then
 *    enables WEBDIS_COMMANDS (lib/acl.h), nothing else.
 * JSON is written by jansson, so any byte of the password is escaped right.
 */
#ifndef RI_CMD_WEBDIS_H
#define RI_CMD_WEBDIS_H

#include "err.h"
#include "secrets.h"
#include "settings.h"

int cmd_webdis(const struct settings *s, const struct secrets *sec, ri_err *e);

#endif
