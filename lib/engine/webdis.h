/* webdis.h: webdis.json (0600) in the conf dir, for Webdis 0.1.12 or later
 * behind the master router (docs/connecting.md):
 *  - redis_host: the router's Service ([router] service, in the cluster's
 *    namespace and domain) or [router] host, redis_port: [cluster]
 *    redis-port;
 *  - redis_auth: ["WEBDIS_USERNAME", "WEBDIS_PASSWORD"] from the secrets,
 *    the user redis-init creates on the redis pods with exactly the commands
 *    below (WEBDIS_PASSWORD is required here: EX_DATAERR naming it);
 *  - http_port: [webdis] port; an HTTP ACL that disables every command, then
 *    enables WEBDIS_COMMANDS (config/acl.h), nothing else.
 * JSON is written by jansson, so any byte of the password is escaped right.
 */
#ifndef RI_WEBDIS_H
#define RI_WEBDIS_H

#include "config/secrets.h"
#include "config/settings.h"

int webdis_render(const struct settings *s, const struct secrets *sec, ri_err *e);

#endif
