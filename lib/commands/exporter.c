/* exporter.c: `exporter --run -- PROGRAM [ARGS...]`: the redis_exporter
 * sidecar under redis-init, restarted when the password file the pod's
 * agent writes ([metrics] exporter-dir/passwords.json) changes, since
 * redis_exporter 1.45 reads it at start only (agent/consume.c). */
#include "commands/app.h"
#include "commands/command.h"
#include "commands/help.h"

static int run_exporter(struct invocation *inv, ri_err *e) {
    if (!inv->s->exporter_dir[0])
        return ri_fail(e, EX_CONFIG,
                       "exporter: [metrics] exporter-dir is not set: no password file to follow");
    if (!inv->o->run)
        return ri_fail(e, EX_USAGE, "exporter: --run is required (it writes nothing itself)");
    return app_run_argv(inv, APP_EXPORTER, inv->o->program, e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s exporter --run [OPTIONS] -- PROGRAM [ARGS...]\n\n"
            "Start PROGRAM (the redis_exporter sidecar, with its own arguments and\n"
            "environment) and stay as its init, restarting it when the password file the\n"
            "pod's redis-init writes ([metrics] exporter-dir/passwords.json) changes: after\n"
            "a live password rotation (docs/credentials.md). redis_exporter 1.45 reads that\n"
            "file at start only.\n\nOptions:\n",
            o->prog);
    help_app_settings_options(f);
    fputs("      --run                start PROGRAM and stay beside it\n", f);
    fputs("See docs/observability.md.\n", f);
}

const struct command command_exporter = {
    .name = "exporter",
    .run = run_exporter,
    .flags = NEEDS_SETTINGS | TAKES_RUN | TAKES_PROGRAM,
    .summary = {"run the redis_exporter sidecar, restarted on a new password",
                "run the redis_exporter sidecar, restarted on a new password"},
    .usage = usage,
};
