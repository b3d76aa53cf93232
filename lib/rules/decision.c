/* decision.c: the decision record (see decision.h). Pure. */
#include "rules/decision.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *action_name(enum action a) {
    static const char *const names[ACT__COUNT] = {
        "wait", "master", "follow", "failover", "promote", "monitor",
    };
    return (unsigned)a < ACT__COUNT ? names[a] : "unknown";
}

void dec_reason(struct decision *d, const char *fmt, ...) {
    if (d->n_reasons >= DEC_MAX_REASONS) return;
    va_list ap;
    va_start(ap, fmt);
    dec_vformat(d->reasons[d->n_reasons++], fmt, ap);
    va_end(ap);
}

void dec_warn(struct decision *d, const char *fmt, ...) {
    if (d->n_warnings >= DEC_MAX_REASONS) return;
    va_list ap;
    va_start(ap, fmt);
    dec_vformat(d->warnings[d->n_warnings++], fmt, ap);
    va_end(ap);
}

static void copy_host(char dst[OBS_HOST_MAX], const char *src) {
    size_t n = src ? strnlen(src, OBS_HOST_MAX - 1) : 0;
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

void dec_set(struct decision *d, enum action a, const char *rule, const struct observations *o,
             int peer, const char *host, int port) {
    d->action = a;
    d->rule = rule;
    d->peer_index = peer;
    if (peer >= 0) {
        host = o->redis[peer].p.host;
        port = o->redis[peer].p.port;
    }
    copy_host(d->host, host);
    d->port = port;
}

int decision_settled(const struct decision *d) {
    static const char *const settled_rules[] = {"S5", "T1"};
    if (!d->rule) return 0;
    for (size_t i = 0; i < sizeof settled_rules / sizeof settled_rules[0]; i++)
        if (strcmp(d->rule, settled_rules[i]) == 0) return 1;
    return 0;
}
