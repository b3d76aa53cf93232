/* cmd_discover.c: `discover`: one decision as a booting pod would make it,
 * printed as text or JSON; writes and changes nothing. */
#include <stdio.h>
#include <stdlib.h>

#include "commands/command.h"
#include "engine/boot.h"
#include "engine/report.h"

int cmd_discover(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
                        ri_err *e) {
    struct discover_result *r = calloc(1, sizeof *r);
    if (!r) return ri_fail(e, EX_OSERR, "out of memory");
    int flags = (o->once ? DISCOVER_ONCE : 0) | (o->all ? DISCOVER_ALL : 0);
    int rc = discover(s, sec, o->kind == KIND_SENTINEL, flags, r, e);
    struct report_meta m = {o->prog, s, rc, rc ? e->msg : NULL};
    if (rc == 0 || rc == EX_UNAVAILABLE) {
        if (o->json ? report_json(stdout, &m, r) != 0 : (report_text(stdout, &m, r), 0))
            rc = ri_fail(e, EX_OSERR, "cannot build the JSON report");
        fflush(stdout);
    }
    free(r);
    return rc;
}
