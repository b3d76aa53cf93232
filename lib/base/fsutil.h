/* fsutil.h: file I/O that never leaves a half-written file behind.
 *
 * Contract for fs_write_files(): every file is first written to a temp file
 * in the target directory (O_EXCL, its final mode from the start), fsynced;
 * only when all temps are complete are they renamed over the targets, then
 * the directory is fsynced. Any failure before the renames removes the temps
 * and leaves every existing file byte-identical. Errors: EX_CANTCREAT (73)
 * when the directory is missing or not writable, EX_IOERR (74) for I/O.
 */
#ifndef RI_FSUTIL_H
#define RI_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>
#include "base/err.h"

struct out_file {
    const char *name;     /* file name inside dir */
    const char *data;
    size_t len;
    mode_t mode;          /* 0600 for anything holding a secret or hash */
};

int fs_write_files(const char *dir, const struct out_file *files, int n, ri_err *e);

/* Read a whole regular file (at most max bytes, else EX_DATAERR) into a
 * malloc'd NUL-terminated buffer. EX_NOINPUT when it cannot be opened/read. */
int fs_read_file(const char *path, size_t max, char **data, size_t *len, ri_err *e);

/* 1 if path is a directory, 0 if something else, -1 if it does not exist. */
int fs_is_dir(const char *path);

/* Join dir and name into out; EX_CONFIG if it does not fit. */
int fs_join(char *out, size_t outlen, const char *dir, const char *name, ri_err *e);

/* An absolute version of path (relative to the cwd), without touching the
 * file system beyond getcwd(). Used so paths inside configs are real. */
int fs_absolute(const char *path, char *out, size_t outlen, ri_err *e);

#endif
