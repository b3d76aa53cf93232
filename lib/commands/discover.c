/* discover.c: `discover`: one decision as a booting pod would make it,
 * printed as text or JSON; writes and changes nothing. */
#include <stdio.h>
#include <stdlib.h>

#include "commands/command.h"
#include "commands/help.h"
#include "engine/boot.h"
#include "engine/report.h"

static int run_discover(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    struct boot_result *r = calloc(1, sizeof *r);
    if (!r) return ri_fail(e, EX_OSERR, "out of memory");
    int flags = (o->once ? BOOT_ONCE : 0) | (o->all ? BOOT_ALL : 0);
    int rc = boot_decide(inv->s, inv->sec, o->kind == KIND_SENTINEL, flags, r, e);
    struct report_meta m = {o->prog, inv->s, rc, rc ? e->msg : NULL};
    if (rc == 0 || rc == EX_UNAVAILABLE) {
        if (o->json ? report_json(stdout, &m, r) != 0 : (report_text(stdout, &m, r), 0))
            rc = ri_fail(e, EX_OSERR, "cannot build the JSON report");
        fflush(stdout);
    }
    free(r);
    return rc;
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s discover [OPTIONS]\n\n"
            "Ask every sentinel and redis pod, print what each answered (or how it failed),\n"
            "%sthe decision, its rule and reasons. Writes and changes nothing.\n"
            "Exit 0 when a decision was reached, 69 when not before the deadline.\n\nOptions:\n",
            o->prog, o->kind == KIND_SENTINEL ? "" : "this pod's data directory, ");
    help_settings_options(f, o);
    help_report_options(f);
    help_footer(f);
}

const struct command command_discover = {
    .name = "discover",
    .run = run_discover,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | TAKES_REPORT | USES_TLS | TLS_BACKGROUND |
             LOGS_IN_BY_PHASE,
    .summary = {"ask every peer, print what they said and the decision; write nothing",
                "ask every peer, print what they said and the decision; write nothing"},
    .usage = usage,
};
