/* err.c: filling the one error record (see err.h). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void flatten(char *s) {
    for (; *s; s++)
        if (*s == '\n' || *s == '\r') *s = ' ';
}

int ri_fail(ri_err *e, int code, const char *fmt, ...) {
    if (!e) return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    flatten(e->msg);
    e->code = code;
    return code;
}

int ri_prefix(ri_err *e, const char *fmt, ...) {
    if (!e) return EX_SOFTWARE;
    char prefix[256], old[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    /* Truncation is acceptable: the message stays one readable line. */
    if (snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old) < 0) e->msg[0] = '\0';
    flatten(e->msg);
    return e->code;
}
