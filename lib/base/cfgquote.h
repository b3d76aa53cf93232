/* cfgquote.h: one byte string as one word of an HAProxy configuration line
 * or of a POSIX shell command line (the router's files).
 *
 * HAProxy 2.6 (configuration manual, 2.2 "Quoting and escaping") splits
 * lines into words; inside double quotes ("weak quoting") it still reads
 * \" \\ \$ (a bare $ starts an environment variable), \r \n \t and \xHH, and
 * a space, tab, # or ' is literal. haproxy_quote() always emits double
 * quotes, escapes '"', '\\' and '$', and writes every byte outside
 * 0x20..0x7e as \xHH: the line stays ASCII and every byte round-trips.
 * NUL cannot be represented (HAProxy keeps words as C strings).
 *
 * sh_quote() emits single quotes, each ' inside as '\'' (nothing else is
 * special between single quotes in sh).
 */
#ifndef RI_CFGQUOTE_H
#define RI_CFGQUOTE_H

#include <stddef.h>

/* Returns the length written (excluding NUL), or -1 if in holds a NUL or out
 * is too small (outlen >= 4*len+3 always fits). */
int haproxy_quote(const char *in, size_t len, char *out, size_t outlen);

/* The word as HAProxy reads it back: one weakly or strongly quoted or bare
 * word of the grammar above, nothing after it. Returns the length stored in
 * out (NUL-terminated; \x00 is rejected), or -1 when the text is not exactly
 * one word or does not fit. For tests and for checking templates. */
int haproxy_unquote(const char *word, char *out, size_t outlen);

/* Returns the length written, or -1 (NUL in input, or outlen < 4*len+3). */
int sh_quote(const char *in, size_t len, char *out, size_t outlen);

#endif
