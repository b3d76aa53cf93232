/* app.c: the program beside `router --run`, `webdis --run` and
 * `exporter --run` (app.h). */
#include "commands/app.h"

#include <limits.h>

#include "agent/supervise.h"
#include "base/fsutil.h"

#define APP_MAX_ARGS 8

int app_run(struct invocation *inv, enum agent_app app, const char *program,
            const char *const *pre_args, const char *conf_name, ri_err *e) {
    char conf[PATH_MAX], dir[PATH_MAX];
    int rc = fs_absolute(inv->s->conf_dir, dir, sizeof dir, e);
    if (!rc) rc = fs_join(conf, sizeof conf, dir, conf_name, e);
    if (rc) return rc;
    char *argv[APP_MAX_ARGS] = {(char *)program};
    int n = 1;
    for (; pre_args[n - 1] && n < APP_MAX_ARGS - 2; n++) argv[n] = (char *)pre_args[n - 1];
    argv[n++] = conf;
    argv[n] = NULL;
    return app_run_argv(inv, app, argv, e);
}

int app_run_argv(struct invocation *inv, enum agent_app app, char **argv, ri_err *e) {
    /* The program reads its own files; the router's check reads the secrets itself. */
    secrets_free(inv->sec);
    inv->sec = NULL;
    struct supervise_config sc = {
        .agent = {.s = inv->s, .app = app},
        /* certificates to renew; passwords to follow (agent/consume.c) */
        .agent_on = inv->s->tls != TLS_OFF || inv->s->creds_live,
        .argv = argv,
    };
    return supervise_run(&sc, e);
}
