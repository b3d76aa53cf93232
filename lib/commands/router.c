/* router.c: `router`: write the master router's HAProxy files
 * (engine/router.h). It loads the secrets only to fail now, not in every
 * health check later, when the file the check will read is unreadable. */
#include "engine/router.h"

#include "commands/app.h"
#include "commands/command.h"
#include "commands/help.h"

static int run_router(struct invocation *inv, ri_err *e) {
    static const char *const pre[] = {"-db", "-f", NULL};
    int rc = router_render(inv->s, e);
    if (rc || !inv->o->run) return rc;
    return app_run(inv, APP_ROUTER, inv->s->haproxy_bin, pre, "haproxy.cfg", e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s router [--run] [OPTIONS]\n\n"
            "Write haproxy.cfg, router-check and router-check.ini into the conf dir: HAProxy\n"
            "routes to the pod that answers role:master and that a majority of the sentinels\n"
            "name. No credential is written: the check reads the secrets itself. With [tls]\n"
            "on, also router.pem and router-client.pem (0600), checked first: the certificate\n"
            "must name the router's Service.\n"
            "With --run, then start haproxy (-db -f haproxy.cfg; [paths] haproxy) and stay as\n"
            "its init, handing it renewed certificates through its runtime API.\n\nOptions:\n",
            o->prog);
    help_app_settings_options(f);
    fputs("      --run                start haproxy and stay beside it\n", f);
    fputs("See docs/connecting.md and docs/tls.md.\n", f);
}

const struct command command_router = {
    .name = "router",
    .run = run_router,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | REDIS_ONLY | USES_TLS | CHECKS_TLS | TLS_AS_ROUTER |
             TAKES_RUN,
    .summary = {"write haproxy.cfg + its health check for the master router", NULL},
    .usage = usage,
};
