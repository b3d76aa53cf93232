/* prestop.c: `prestop`, the preStop hook: hand the master role over before
 * the pod stops (engine/handover.h). */
#include "commands/command.h"
#include "commands/help.h"
#include "engine/handover.h"

static int run_prestop(struct invocation *inv, ri_err *e) {
    if (inv->o->kind == KIND_SENTINEL) return handover_sentinel(inv->s, inv->sec, NULL, e);
    return handover_redis(inv->s, inv->sec, NULL, e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s prestop [OPTIONS]\n\n%s"
            "Bounded by [lifecycle] prestop-timeout; exit 0 when done or nothing to do,\n"
            "69 when it could not (logged). Rules: docs/lifecycle.md.\n\nOptions:\n",
            o->prog,
            o->kind == KIND_SENTINEL
                ? "The sentinel container's preStop hook: returns at once unless this sentinel\n"
                  "leads a failover in progress; then it waits for it to finish.\n"
                : "The redis container's preStop hook: if this pod is the master, pause writes,\n"
                  "let the replicas catch up, make the sentinels fail over, follow the new\n"
                  "master and unpause. A replica returns at once.\n");
    help_settings_options(f, o);
    help_footer(f);
}

const struct command command_prestop = {
    .name = "prestop",
    .run = run_prestop,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | USES_TLS | LOGS_IN_BY_PHASE,
    .summary = {"the preStop hook: hand the master role over before stopping",
                "the preStop hook: hand the master role over before stopping"},
    .usage = usage,
};
