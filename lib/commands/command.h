/* commands.h: the commands, one file each (lib/cmd_<name>.c). cli.c parses
 * the options and dispatches here; each returns 0 or an exit code with e set
 * (cli_execute prints e as one line). Settings have passed
 * settings_finish() and the secrets are loaded. */
#ifndef RI_COMMANDS_H
#define RI_COMMANDS_H

#include <stdio.h>

#include "commands/cli.h"
#include "base/err.h"
#include "rules/health.h"
#include "config/secrets.h"
#include "config/settings.h"

/* check and prestop ask the pod's own server here, never through DNS. */
#define LOCAL_HOST "127.0.0.1"

/* discover: rounds until a decision (or the deadline), then the report on
 * stdout (lib/cmd_discover.c). 0, or EX_UNAVAILABLE with the report printed. */
int cmd_discover(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
                 ri_err *e);

/* render: decide the role (override or discovery) and write the files;
 * conf_path gets the main config file's path (lib/cmd_render.c). */
int cmd_render(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
               char *conf_path, size_t conf_len, ri_err *e);

/* run: exec redis-server / redis-sentinel on conf_path; returns only on
 * failure (EX_OSERR). */
int cmd_run(const struct cli_opts *o, const struct settings *s, const char *conf_path, ri_err *e);

/* check: one Kubernetes probe of the local server (lib/cmd_check.c).
 * 0 pass, CHECK_DOWN / CHECK_NOT_READY / CHECK_AUTH otherwise. */
int cmd_check(enum ri_kind kind, enum probe_kind probe, const struct settings *s,
              const struct secrets *sec, ri_err *e);

/* After check --readiness or a prestop round saw the pod's own server
 * (me): refresh the replication-history record on the data volume when
 * that state describes the data set (lib/cmd_check.c, lib/history.h). */
struct redis_obs;
void record_history(const struct settings *s, const struct redis_obs *me);

/* prestop: the preStop hook (lib/cmd_prestop.c). redis-init hands the
 * master role over (pause, failover, wait); sentinel-init waits while it
 * leads a failover. 0 done or nothing to do, CHECK_DOWN when it could not. */
int cmd_prestop(enum ri_kind kind, const struct settings *s, const struct secrets *sec, ri_err *e);

/* router (lib/cmd_router.c): the master router (seed 001's proxy) in front of the cluster.
 *
 *  - cmd_router() writes into the conf dir: haproxy.cfg (0600), the health
 *    check router-check (0700, a two-line sh wrapper) and router-check.ini
 *    (0600, the non-secret settings the check needs: HAProxy runs it with an
 *    empty environment). No credential is written anywhere: the check reads
 *    the secrets file itself.
 *  - cmd_router_check() is that check: HAProxy names the server in
 *    HAPROXY_SERVER_NAME / _ADDR / _PORT; it probes the address and every
 *    sentinel (one round, bounded by probe-timeout) and returns 0 only when
 *    router_verdict() says route (role:master and named by a majority of
 *    the sentinels), else EX_UNAVAILABLE.
 */
int cmd_router(const struct settings *s, ri_err *e);
int cmd_router_check(const struct settings *s, const struct secrets *sec, ri_err *e);

/* webdis (lib/cmd_webdis.c): `redis-init webdis` writes webdis.json (0600) into the conf
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
int cmd_webdis(const struct settings *s, const struct secrets *sec, ri_err *e);

/* install (lib/cmd_install.c): `install DIR`, and one executable under two names.
 *
 * redis-init and sentinel-init are one program: the name it runs under
 * (the basename of argv[0]) picks the tool. `install DIR` copies the running
 * executable (/proc/self/exe) into DIR as both redis-init and sentinel-init,
 * mode 0755, atomically (fs_write_files: temp files, fsync, rename, fsync
 * of DIR), so that an image without a shell can seed a shared volume (an
 * emptyDir) for the Redis container. Needs no settings and no secrets;
 * running it again replaces the files with identical ones.
 * Errors: EX_CANTCREAT (73) when DIR is missing, not a directory or not
 * writable, EX_NOINPUT (66) when the executable cannot be read, EX_IOERR.
 */
/* KIND_SENTINEL for ".../sentinel-init", KIND_REDIS for ".../redis-init",
 * else dflt (a renamed copy keeps the tool it was built as). */
enum ri_kind cli_kind_from_argv0(const char *argv0, enum ri_kind dflt);

/* Copy the executable at exe (normally "/proc/self/exe") into dir under
 * both names. */
int cmd_install(const char *exe, const char *dir, ri_err *e);

void cmd_install_usage(FILE *f, const char *prog);

#endif
