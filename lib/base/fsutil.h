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
    const char *name; /* file name inside dir */
    const char *data;
    size_t len;
    mode_t mode; /* 0600 for anything holding a secret or hash */
};

int fs_write_files(const char *dir, const struct out_file *files, int n, ri_err *e);

/* A whole file in memory, from fs_read_file(). */
struct file_data {
    char *data; /* NUL-terminated (a NUL inside is the caller's to judge) */
    size_t len;
    size_t cap; /* bytes allocated: what fs_file_free() wipes */
    int wipe;
};

#define FS_WIPE 1 /* the content may be secret: wipe every copy before it is freed */

/* The one whole-file reader (settings, secrets, templates, the history
 * record, install): a regular file of at most max bytes, opened
 * non-blocking (a FIFO cannot hang us) and read to its end (a file that
 * grows while read is measured, not trusted from fstat). what names the
 * input in messages ("settings", "secrets", or NULL).
 * Errors: EX_NOINPUT "cannot read <what> <path>: <reason>" when it cannot
 * be opened or read or is not a regular file; EX_DATAERR "<path>: larger
 * than <max> bytes" when it is too large, for every input alike. */
int fs_read_file(const char *path, const char *what, size_t max, int flags, struct file_data *out,
                 ri_err *e);
void fs_file_free(struct file_data *f);

/* SHA-256 over the content of files[0..n) (each followed by a NUL, each
 * at most 1 MiB): what the agent compares to notice that a mounted file
 * changed. -1 when one cannot be read (a ..data swap in progress: read
 * again next time). */
int fs_files_hash(const char *const *files, int n, unsigned char out[32]);

/* A content that counts as changed once two readings in a row agree
 * (a Secret being swapped is read half old, half new at most once). */
struct fs_settle {
    unsigned char seen[32];
    int have;
};
/* 1 when h is also what the previous call saw (the change is settled; the
 * caller resets .have once it acted); else it remembers h and returns 0. */
int fs_settled(struct fs_settle *st, const unsigned char h[32]);

/* 1 if path is a directory, 0 if something else, -1 if it does not exist. */
int fs_is_dir(const char *path);

/* Join dir and name into out; EX_CONFIG if it does not fit. */
int fs_join(char *out, size_t outlen, const char *dir, const char *name, ri_err *e);

/* An absolute version of path (relative to the cwd), without touching the
 * file system beyond getcwd(). Used so paths inside configs are real. */
int fs_absolute(const char *path, char *out, size_t outlen, ri_err *e);

#endif
