/* check.c: `check`: one Kubernetes probe of this pod's own server
 * (engine/health.h). */
#include "commands/command.h"
#include "commands/help.h"
#include "engine/health.h"

static int run_check(struct invocation *inv, ri_err *e) {
    return health_probe(inv->o->kind == KIND_SENTINEL, inv->o->health, inv->s, inv->sec, e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s check [--readiness | --liveness | --startup] [OPTIONS]\n\n"
            "One Kubernetes probe of this pod's own %s (on 127.0.0.1), plus the sentinels\n"
            "where the rule needs them, as the least-privilege probe user, bounded by\n"
            "[lifecycle] check-timeout. Exit 0 pass, 69 the server does not answer,\n"
            "75 it answers but is not ready, 77 the probe user was refused; one line on\n"
            "stderr says why. Rules: docs/lifecycle.md.\n\nOptions:\n",
            o->prog, o->kind == KIND_SENTINEL ? "sentinel" : "redis server");
    help_settings_options(f, o);
    help_health_options(f);
    help_footer(f);
}

const struct command command_check = {
    .name = "check",
    .run = run_check,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | TAKES_HEALTH_KIND | USES_TLS | LOGS_IN_BY_PHASE,
    .summary = {"a Kubernetes probe: --readiness (default), --liveness, --startup",
                "a Kubernetes probe: --readiness (default), --liveness, --startup"},
    .usage = usage,
};
