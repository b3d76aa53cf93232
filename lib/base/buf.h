/* buf.h: a growable output buffer for rendered files, which may hold
 * secrets.
 *
 * data is NULL until the first append, then always NUL-terminated
 * (data[len] == 0). Growth copies and wipes rather than realloc, so no
 * stale copy of a secret is left in freed memory; buf_truncate() and
 * buf_free() wipe what they drop.
 */
#ifndef RI_BUF_H
#define RI_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len, cap;
};
void buf_init(struct buf *b);
int buf_append(struct buf *b, const char *s, size_t n); /* 0 or -1 on OOM */
int buf_appends(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Drop everything after len, wiping it (a failed render leaves a buffer as it was). */
void buf_truncate(struct buf *b, size_t len);
void buf_free(struct buf *b); /* wipes then frees */

#endif
