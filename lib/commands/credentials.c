/* credentials.c: `credentials status`: per member, which users' current
 * passwords its ACL holds and its rotation marker (engine/creds_status.h);
 * reads only, prints no secret. `credentials finish`: end a rotation every
 * member uses now, without waiting for the grace (engine/creds_roll.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/command.h"
#include "commands/help.h"
#include "engine/creds_roll.h"
#include "engine/creds_status.h"

static int finish(struct invocation *inv, ri_err *e) {
    char why[200] = "";
    int rc = creds_finish(inv->s, inv->sec, why, sizeof why, e);
    if (!rc) printf("%s\n", why);
    fflush(stdout);
    return rc;
}

static int run_credentials(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    if (strcmp(o->action, "finish") == 0) return finish(inv, e);
    if (strcmp(o->action, "status") != 0)
        return ri_fail(e, EX_USAGE, "credentials: unknown action '%s' (status, finish)", o->action);
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
            "Usage: %s credentials status [OPTIONS]\n"
            "       %s credentials finish [OPTIONS]\n\n"
            "Ask every server and sentinel, as admin, which of the users the secrets define\n"
            "it holds with their current password (ACL GETUSER shows hashes only), which it\n"
            "holds with another (STALE: the secrets changed and it has not taken them), how\n"
            "many other passwords each has, and its live-rotation marker. Changes nothing;\n"
            "prints no password.\n"
            "Exit 0 when every member answered and holds every current password, 65 when a\n"
            "member holds a stale one, 69 when a member did not answer.\n\n"
            "finish: end a live rotation now. Once every member uses the new passwords\n"
            "(marker use), mark finish on each; every agent then drops the old passwords\n"
            "within a second, without waiting for [credentials] grace (with drop = command,\n"
            "the only way they go). Exit 0 when marked or already done, 69 when a member\n"
            "did not answer, 75 when a member does not use the new passwords yet: nothing\n"
            "is marked then.\n\nOptions:\n"
            "  --json            status: the same as JSON\n",
            o->prog, o->prog);
    help_settings_options(f, o);
    help_footer(f);
}

const struct command command_credentials = {
    .name = "credentials",
    .run = run_credentials,
    .flags = NEEDS_SECRETS | TAKES_REPORT | TAKES_ACTION | USES_TLS,
    .summary = {"which members hold the current passwords; finish a rotation now",
                "which members hold the current passwords; finish a rotation now"},
    .usage = usage,
};
