/* buf.c: growable byte buffers that wipe what they drop (see buf.h). */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Grow by copying, never realloc: realloc may leave a copy of a rendered
 * secret in freed memory that we could not wipe. */
static int buf_reserve(struct buf *b, size_t extra) {
    if (extra > (size_t)-1 / 2 - b->len) return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need) ncap *= 2;
    char *n = malloc(ncap);
    if (!n) return -1;
    if (b->data) {
        memcpy(n, b->data, b->len);
        explicit_bzero(b->data, b->cap);
        free(b->data);
    }
    b->data = n;
    b->cap = ncap;
    b->data[b->len] = '\0';
    return 0;
}

int buf_append(struct buf *b, const char *s, size_t n) {
    if (buf_reserve(b, n) < 0) return -1;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_appends(struct buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_vprintf(struct buf *b, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0) {
        va_end(again);
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
    return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void buf_free(struct buf *b) {
    if (b->data) {
        explicit_bzero(b->data, b->cap);
        free(b->data);
    }
    buf_init(b);
}

void buf_truncate(struct buf *b, size_t len) {
    if (b->data && len < b->len) {
        explicit_bzero(b->data + len, b->len - len);
        b->len = len;
    }
}
