/* err.h: one error record carried from the place a problem is found to main().
 *
 * Contract: every fallible function in lib/ returns 0 (EX_OK) on success or a
 * sysexits.h code, and on failure fills the ri_err it was given with ONE line
 * that names the file, the key and the reason ("config.json:3:14: ...",
 * "settings.ini: [sentinel] quorum: ..."). The message never contains a
 * secret value. main() prints it once and exits with the code. */
#ifndef RI_ERR_H
#define RI_ERR_H

#include <stddef.h>
#include <sysexits.h>

#define RI_OK 0

typedef struct ri_err {
    int code;      /* sysexits code, 0 when no error */
    char msg[512]; /* single line, no trailing newline */
} ri_err;

/* Format msg (printf-style), set e->code = code, and return code.
 * Newlines in the result are replaced by spaces. e may be NULL. */
int ri_fail(ri_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "<prefix>: <old msg>". Returns e->code. */
int ri_prefix(ri_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
