/* quote.c: one byte string as one argument of a redis.conf/sentinel.conf line.
 *
 * conf_split() mirrors Redis's sdssplitargs() (src/sds.c) case by case,
 * including its quirks, because the only thing that matters is what Redis
 * will read back: tests round-trip conf_quote() output through it. */
#include "base/quote.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Quoting
 * ------------------------------------------------------------------------- */

int quote_escaping(const char *in, size_t len, const char *escaped, char *out, size_t outlen) {
    static const char hex[] = "0123456789abcdef";
    if (len > ((size_t)INT_MAX - 3) / 4) return -1;
    size_t o = 0;
    /* Check before each write (room for this byte's escape, the closing quote
     * and the NUL) so a short buffer fails instead of truncating a secret. */
    if (outlen < 3) return -1;
    out[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch == '\0') return -1;
        int esc = strchr(escaped, ch) != NULL;
        size_t w = esc ? 2 : (ch < 0x20 || ch > 0x7e) ? 4 : 1;
        if (o + w + 2 > outlen) return -1;
        if (esc) {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (w == 4) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return (int)o;
}

int conf_quote(const char *in, size_t len, char *out, size_t outlen) {
    return quote_escaping(in, len, "\"\\", out, outlen);
}

/* ---------------------------------------------------------------------------
 * Splitting (sdssplitargs semantics)
 * ------------------------------------------------------------------------- */

struct tok {
    char *s;
    size_t len, cap;
};

static int tok_put(struct tok *t, char c) {
    if (t->len + 1 >= t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 16;
        char *n = malloc(ncap);
        if (!n) return -1;
        /* Copy rather than realloc so the old block (maybe a password) can be wiped. */
        if (t->len) memcpy(n, t->s, t->len);
        if (t->s) {
            explicit_bzero(t->s, t->cap);
            free(t->s);
        }
        t->s = n;
        t->cap = ncap;
    }
    t->s[t->len++] = c;
    t->s[t->len] = '\0';
    return 0;
}

static void tok_wipe(struct tok *t) {
    if (t->s) {
        explicit_bzero(t->s, t->cap);
        free(t->s);
    }
    t->s = NULL;
    t->len = t->cap = 0;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int is_space(char c) { return isspace((unsigned char)c) != 0; }

/* Inside "...": p points just past the opening quote. Returns the position
 * just past the closing quote, or NULL on error. */
static const char *scan_double(const char *p, struct tok *t) {
    for (;;) {
        char c;
        if (*p == '\\' && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
            c = (char)(hexval(p[2]) * 16 + hexval(p[3]));
            p += 4;
        } else if (*p == '\\' && p[1]) {
            switch (p[1]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = p[1]; break;
            }
            p += 2;
        } else if (*p == '"') {
            /* Redis: the closing quote must be followed by a space or the end. */
            if (p[1] && !is_space(p[1])) return NULL;
            return p + 1;
        } else if (!*p) {
            return NULL;
        } else {
            c = *p++;
        }
        if (tok_put(t, c) < 0) return NULL;
    }
}

/* Inside '...': only \' is an escape. */
static const char *scan_single(const char *p, struct tok *t) {
    for (;;) {
        char c;
        if (*p == '\\' && p[1] == '\'') {
            c = '\'';
            p += 2;
        } else if (*p == '\'') {
            if (p[1] && !is_space(p[1])) return NULL;
            return p + 1;
        } else if (!*p) {
            return NULL;
        } else {
            c = *p++;
        }
        if (tok_put(t, c) < 0) return NULL;
    }
}

/* One argument starting at a non-blank p. A quote anywhere in a bare word
 * opens a quoted part (sdssplitargs does the same: a"b c" is one argument
 * "ab c"). Bare words end only at ' ', \n, \r, \t or the end, unlike the
 * isspace() used to skip blanks between arguments: \v and \f stay in the word. */
static const char *scan_arg(const char *p, struct tok *t) {
    for (;;) {
        switch (*p) {
        case ' ':
        case '\n':
        case '\r':
        case '\t': return p + 1;
        case '\0': return p;
        case '"': return scan_double(p + 1, t);
        case '\'': return scan_single(p + 1, t);
        default:
            if (tok_put(t, *p) < 0) return NULL;
            p++;
        }
    }
}

int conf_split(const char *line, char **args, size_t *arglens, int max) {
    const char *p = line;
    int n = 0;
    for (;;) {
        while (*p && is_space(*p)) p++;
        if (!*p) return n;
        struct tok t = {0};
        /* An empty quoted argument still has to be a valid string. */
        if (tok_put(&t, 'x') < 0) goto fail;
        t.len = 0;
        t.s[0] = '\0';
        p = scan_arg(p, &t);
        if (!p || n >= max) {
            tok_wipe(&t);
            goto fail;
        }
        args[n] = t.s;
        arglens[n] = t.len;
        n++;
    }
fail:
    conf_free_args(args, n);
    return -1;
}

void conf_free_args(char **args, int n) {
    for (int i = 0; i < n; i++) {
        if (!args[i]) continue;
        explicit_bzero(args[i], strlen(args[i]));
        free(args[i]);
        args[i] = NULL;
    }
}
