/* credentials.c: `credentials status`: per member, which users' current
 * passwords its ACL holds and its rotation marker (engine/creds_status.h);
 * reads only, prints no secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/command.h"
#include "commands/help.h"
#include "engine/creds_status.h"

static int run_credentials(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    if (strcmp(o->action, "status") != 0)
        return ri_fail(e, EX_USAGE, "credentials: unknown action '%s' (status)", o->action);
    struct creds_status *st = calloc(1, sizeof *st);
    if (!st) return ri_fail(e, EX_OSERR, "out of memory");
    int rc = creds_status_observe(inv->s, inv->sec, st, e);
    if (!rc) {
        if (o->json && creds_status_json(stdout, st))
            rc = ri_fail(e, EX_OSERR, "cannot build the JSON report");
        else if (!o->json) creds_status_text(stdout, st);
        fflush(stdout);
    }
    if (!rc && (rc = creds_status_exit(st)))
        ri_fail(e, rc,
                rc == EX_UNAVAILABLE ? "credentials: a member did not answer"
                                     : "credentials: a member lacks a current password");
    free(st);
    return rc;
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s credentials status [OPTIONS]\n\n"
            "Ask every server and sentinel, as admin, which of the users the secrets define\n"
            "it holds with their current password (ACL GETUSER shows hashes only), which it\n"
            "holds with another (STALE: the secrets changed and it has not taken them), how\n"
            "many other passwords each has, and its live-rotation marker. Changes nothing;\n"
            "prints no password.\n"
            "Exit 0 when every member answered and holds every current password, 65 when a\n"
            "member holds a stale one, 69 when a member did not answer.\n\nOptions:\n"
            "  --json            the same as JSON\n",
            o->prog);
    help_settings_options(f, o);
    help_footer(f);
}

const struct command command_credentials = {
    .name = "credentials",
    .run = run_credentials,
    .flags = NEEDS_SECRETS | TAKES_REPORT | TAKES_ACTION | USES_TLS,
    .summary = {"which members hold the secrets' current passwords (ACL hashes); no values",
                "which members hold the secrets' current passwords (ACL hashes); no values"},
    .usage = usage,
};
