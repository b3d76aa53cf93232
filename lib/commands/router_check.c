/* router_check.c: `router-check`: HAProxy's external health check of one
 * server (engine/router.h). HAProxy names the server in the environment. */
#include <stdlib.h>

#include "commands/command.h"
#include "commands/help.h"
#include "engine/router.h"

static int run_router_check(struct invocation *inv, ri_err *e) {
    return router_check(inv->s, inv->sec, getenv("HAPROXY_SERVER_NAME"),
                        getenv("HAPROXY_SERVER_ADDR"), getenv("HAPROXY_SERVER_PORT"), e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s router-check [OPTIONS]\n\n"
            "HAProxy's external health check (router-check runs it): exit 0 when the server in\n"
            "HAPROXY_SERVER_NAME/_ADDR/_PORT is the master a majority of the sentinels name,\n"
            "69 when it is not, 64 outside HAProxy.\n\nOptions:\n",
            o->prog);
    help_app_settings_options(f);
    fputs("See docs/connecting.md.\n", f);
}

const struct command command_router_check = {
    .name = "router-check",
    .run = run_router_check,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | REDIS_ONLY | QUIET_ANSWER | USES_TLS | TLS_AS_ROUTER,
    .summary = {"that health check (HAProxy runs it; docs/connecting.md)", NULL},
    .usage = usage,
};
