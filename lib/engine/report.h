/* report.h: what `discover` prints: the boot loop's last round and its
 * decision. Text for an operator at 3 a.m.; JSON (schema in
 * docs/discover-json.md, "schema": 1) for scripts and tests. Neither ever
 * contains a secret. */
#ifndef RI_REPORT_H
#define RI_REPORT_H

#include <stdio.h>

#include "config/settings.h"
#include "engine/boot.h"
#include "rules/summary.h"

struct report_meta {
    const char *program; /* "redis-init" / "sentinel-init" */
    const struct settings *s;
    int exit_code;     /* what the command will exit with */
    const char *error; /* the error line when not decided, else NULL */
};

void report_text(FILE *f, const struct report_meta *m, const struct boot_result *r);
/* Returns 0, or -1 if JSON could not be built (out of memory). */
int report_json(FILE *f, const struct report_meta *m, const struct boot_result *r);

/* The decision in one line (rules/summary.h), or the error that left the
 * pod without a role, written to [paths] termination-log when that file
 * exists (Kubernetes creates /dev/termination-log in every container and
 * shows its text in `kubectl describe pod` once the container has ended).
 * Never created; a failure to write is logged, nothing more. */
void report_termination(const struct settings *s, const char *program,
                        const struct decision_summary *sum, const ri_err *failure);

#endif
