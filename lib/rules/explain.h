/* explain.h: the sentences that reasons, warnings and verdicts are made
 * of. Pure: formatting only.
 *
 * Every sentence fits DEC_REASON_MAX bytes; a longer one is cut and ends
 * in "...", so truncation is visible. Peers are named by their first DNS
 * label (DEC_PEER), an IP address in full. */
#ifndef RI_EXPLAIN_H
#define RI_EXPLAIN_H

#include <stdarg.h>
#include <stddef.h>

#include "model/observation.h"

#define DEC_FMT(a, b)  __attribute__((format(printf, a, b)))
#define DEC_REASON_MAX 240

/* A sentence into a DEC_REASON_MAX buffer. */
void dec_format(char buf[DEC_REASON_MAX], const char *fmt, ...) DEC_FMT(2, 3);
void dec_vformat(char *buf, const char *fmt, va_list ap) DEC_FMT(2, 0);

/* A bounded ", "-separated list for reasons; silently truncated. */
struct dec_list {
    char buf[DEC_REASON_MAX];
    int n;
};
void dec_list_add(struct dec_list *l, const char *fmt, ...) DEC_FMT(2, 3);

/* Length of host to print: its first DNS label, or all of it for an IP
 * address. */
int dec_label_len(const char *host);

/* Print a peer by its first DNS label: "%.*s", DEC_PEER(r). */
#define DEC_PEER(r) dec_label_len((r)->p.host), (r)->p.host

/* "keys 12, offset 340, replicas 2" (+ ", loading"); a beacon's data and
 * history for a pod still deciding. */
void dec_describe(const struct redis_obs *r, char *buf, size_t size);

#endif
