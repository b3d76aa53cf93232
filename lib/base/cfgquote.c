/* cfgquote.c: HAProxy and sh quoting (see cfgquote.h for the grammar). */
#include "base/cfgquote.h"

#include <limits.h>
#include <string.h>

#include "base/quote.h"

/* ---------------------------------------------------------------------------
 * HAProxy
 * ------------------------------------------------------------------------- */

int haproxy_quote(const char *in, size_t len, char *out, size_t outlen) {
    return quote_escaping(in, len, "\"\\$", out, outlen);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One backslash escape at *p (just after the '\'); returns the byte or -1. */
static int unescape(const char **p) {
    char c = **p;
    (*p)++;
    switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'x': {
        int h = hexval((*p)[0]), l = h < 0 ? -1 : hexval((*p)[1]);
        if (l < 0) return -1;
        *p += 2;
        return h * 16 + l;
    }
    case '\0': return -1;
    default: return (unsigned char)c; /* \" \\ \$ \# \' \<space> ... */
    }
}

int haproxy_unquote(const char *word, char *out, size_t outlen) {
    size_t o = 0;
    char quote = 0;
    for (const char *p = word; *p;) {
        int ch;
        if (quote == '\'') {
            if (*p == '\'') {
                quote = 0;
                p++;
                continue;
            }
            ch = (unsigned char)*p++;
        } else if (*p == '\\') {
            p++;
            if ((ch = unescape(&p)) < 0) return -1;
        } else if (*p == '"' || (*p == '\'' && !quote)) {
            quote = quote == *p ? 0 : (quote ? quote : *p);
            p++;
            continue;
        } else if (!quote && (*p == ' ' || *p == '\t' || *p == '#')) {
            return -1; /* a second word or a comment */
        } else if (quote == '"' && *p == '$') {
            return -1; /* an environment variable would be expanded */
        } else {
            ch = (unsigned char)*p++;
        }
        if (ch == 0 || o + 1 >= outlen) return -1;
        out[o++] = (char)ch;
    }
    if (quote || outlen == 0) return -1;
    out[o] = '\0';
    return (int)o;
}

/* ---------------------------------------------------------------------------
 * sh
 * ------------------------------------------------------------------------- */

int sh_quote(const char *in, size_t len, char *out, size_t outlen) {
    if (len > ((size_t)INT_MAX - 3) / 4 || outlen < 4 * len + 3) return -1;
    size_t o = 0;
    out[o++] = '\'';
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '\0') return -1;
        if (in[i] == '\'') {
            memcpy(out + o, "'\\''", 4);
            o += 4;
        } else {
            out[o++] = in[i];
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
    return (int)o;
}
