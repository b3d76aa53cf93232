/* expo.c: the text exposition format (see expo.h). */
#include "base/expo.h"

#include <stdio.h>
#include <string.h>

int expo_family(struct buf *b, const char *name, const char *type, const char *help) {
    return buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type) < 0 ? -1 : 0;
}

static int put_label_value(struct buf *b, const char *v) {
    for (const char *p = v; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
        if (esc ? buf_appends(b, esc) : buf_append(b, p, 1)) return -1;
    }
    return 0;
}

/* No libm: v != v is NaN; whole values below 2^53 print as integers. */
static int put_value(struct buf *b, double v) {
    if (v != v) return buf_appends(b, "NaN");
    if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
        return buf_appends(b, v > 0 ? "+Inf" : "-Inf");
    if (v > -9007199254740992.0 && v < 9007199254740992.0 && v == (double)(long long)v)
        return buf_printf(b, "%lld", (long long)v) < 0 ? -1 : 0;
    return buf_printf(b, "%.17g", v) < 0 ? -1 : 0;
}

int expo_sample(struct buf *b, const char *name, const char *const *labels, double value) {
    if (buf_appends(b, name)) return -1;
    if (labels && labels[0] && labels[1]) {
        for (int i = 0; labels[i] && labels[i + 1]; i += 2)
            if (buf_printf(b, "%c%s=\"", i ? ',' : '{', labels[i]) < 0 ||
                put_label_value(b, labels[i + 1]) || buf_appends(b, "\""))
                return -1;
        if (buf_appends(b, "}")) return -1;
    }
    if (buf_appends(b, " ") || put_value(b, value) || buf_appends(b, "\n")) return -1;
    return 0;
}
