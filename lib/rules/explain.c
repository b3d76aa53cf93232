/* explain.c: sentences for reasons and verdicts (see explain.h). Pure. */
#include "rules/explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Truncation is acceptable in a human sentence, but it should be visible. */
void dec_vformat(char *buf, const char *fmt, va_list ap) {
    int n = vsnprintf(buf, DEC_REASON_MAX, fmt, ap);
    if (n < 0) snprintf(buf, DEC_REASON_MAX, "(unformattable reason)");
    else if (n >= DEC_REASON_MAX) memcpy(buf + DEC_REASON_MAX - 4, "...", 4);
}

void dec_format(char buf[DEC_REASON_MAX], const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    dec_vformat(buf, fmt, ap);
    va_end(ap);
}

void dec_list_add(struct dec_list *l, const char *fmt, ...) {
    size_t len = strlen(l->buf);
    if (len + 1 >= sizeof l->buf) return;
    if (l->n > 0) {
        snprintf(l->buf + len, sizeof l->buf - len, ", ");
        len = strlen(l->buf);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->buf + len, sizeof l->buf - len, fmt, ap);
    va_end(ap);
    l->n++;
}

int dec_label_len(const char *host) {
    size_t n = strnlen(host, OBS_HOST_MAX);
    size_t digits = strspn(host, "0123456789.");
    if (n == 0 || digits == n || strchr(host, ':'))
        return (int)n; /* an IP address: the whole of it */
    const char *dot = strchr(host, '.');
    return dot && dot != host ? (int)(dot - host) : (int)n;
}

void dec_describe(const struct redis_obs *r, char *buf, size_t size) {
    if (r->role == ROLE_INIT) {
        char h[96];
        history_describe(&r->hist, h, sizeof h);
        snprintf(buf, size, "deciding, %s, history %s", r->init_has_data ? "holds data" : "empty",
                 h);
        return;
    }
    snprintf(buf, size, "keys %lld, offset %lld, replicas %d%s", r->keys, r->offset,
             r->connected_replicas, r->loading ? ", loading" : "");
}
