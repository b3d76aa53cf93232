/* quote.h: writing any byte string as one argument of a Redis config line.
 *
 * redis.conf and sentinel.conf lines are split by Redis's sdssplitargs():
 * inside double quotes it understands \" \\ \n \r \t \b \a and \xHH. We
 * always emit double quotes, escape '"' and '\\', and write every byte
 * outside 0x20..0x7e (UTF-8 included) as \xHH, so the file stays ASCII and
 * every byte round-trips. Only NUL cannot be represented: Redis keeps these
 * values as C strings.
 */
#ifndef RI_QUOTE_H
#define RI_QUOTE_H

#include <stddef.h>

/* Quote len bytes of in. Returns the length written (excluding NUL), or -1
 * if in holds a NUL byte or out is too small (outlen >= 4*len+3 always fits). */
int conf_quote(const char *in, size_t len, char *out, size_t outlen);

/* The double-quoted form both conf_quote() (escaped = "\"\\") and
 * haproxy_quote() (also '$') write: each byte of `escaped` as \c, every byte
 * outside 0x20..0x7e as \xHH, the rest as is. Same returns as conf_quote().
 * escaped must not contain NUL. */
int quote_escaping(const char *in, size_t len, const char *escaped, char *out, size_t outlen);

/* Split one config line as sdssplitargs() does, quirks included: blanks
 * between arguments are isspace(), but a bare word ends only at ' ', \t,
 * \n or \r; a quote inside a bare word opens a quoted part (a"b c" is one
 * argument); "\x00" yields a NUL inside an argument (use arglens).
 * On success returns the number of arguments (<= max) and stores each in
 * args[i] (malloc'd, NUL-terminated, arglens[i] = its length); returns -1
 * on unbalanced quotes or a closing quote not followed by a space, or more
 * than max arguments.
 * Free with conf_free_args(). */
int conf_split(const char *line, char **args, size_t *arglens, int max);
/* Frees (after wiping up to the first NUL) and NULLs args[0..n). */
void conf_free_args(char **args, int n);

#endif
