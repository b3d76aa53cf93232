/* fsutil.c: atomic multi-file writes and small file helpers. */
#include "base/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"

/* ---------------------------------------------------------------------------
 * Paths
 * ------------------------------------------------------------------------ */

int fs_join(char *out, size_t outlen, const char *dir, const char *name, ri_err *e) {
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    int n = snprintf(out, outlen, "%s%s%s", dir, sep, name);
    if (n < 0 || (size_t)n >= outlen)
        return ri_fail(e, EX_CONFIG, "path too long: %s%s%s", dir, sep, name);
    return 0;
}

int fs_absolute(const char *path, char *out, size_t outlen, ri_err *e) {
    if (path[0] == '/') {
        if (strlen(path) >= outlen) return ri_fail(e, EX_CONFIG, "path too long: %s", path);
        strcpy(out, path);
        return 0;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return ri_fail(e, EX_OSERR, "cannot get the current directory: %s", strerror(errno));
    const char *rel = (path[0] == '.' && path[1] == '/') ? path + 2 : path;
    if (strcmp(path, ".") == 0) rel = "";
    if (*rel == '\0') {
        if (strlen(cwd) >= outlen) return ri_fail(e, EX_CONFIG, "path too long: %s", cwd);
        strcpy(out, cwd);
        return 0;
    }
    return fs_join(out, outlen, cwd, rel, e);
}

int fs_is_dir(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

/* ---------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

static int read_fail(const char *path, const char *what, int err, ri_err *e) {
    return ri_fail(e, EX_NOINPUT, "cannot read %s%s%s: %s", what ? what : "", what ? " " : "", path,
                   strerror(err));
}

/* Move the content into a new buffer of cap bytes, wiping the old one. */
static int grow(struct file_data *f, size_t cap) {
    char *n = malloc(cap);
    if (!n) return -1;
    if (f->data) {
        memcpy(n, f->data, f->cap);
        if (f->wipe) explicit_bzero(f->data, f->cap);
        free(f->data);
    }
    f->data = n;
    f->cap = cap;
    return 0;
}

void fs_file_free(struct file_data *f) {
    if (f->data && f->wipe) explicit_bzero(f->data, f->cap);
    free(f->data);
    memset(f, 0, sizeof *f);
}

int fs_read_file(const char *path, const char *what, size_t max, int flags, struct file_data *out,
                 ri_err *e) {
    memset(out, 0, sizeof *out);
    out->wipe = (flags & FS_WIPE) != 0;
    /* O_NONBLOCK: a FIFO cannot hang us before fstat() rejects it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return read_fail(path, what, errno, e);
    struct stat st;
    int err = fstat(fd, &st) != 0    ? errno
              : S_ISDIR(st.st_mode)  ? EISDIR
              : !S_ISREG(st.st_mode) ? -1
                                     : 0;
    if (err) {
        close(fd);
        if (err > 0) return read_fail(path, what, err, e);
        return ri_fail(e, EX_NOINPUT, "cannot read %s%s%s: not a regular file", what ? what : "",
                       what ? " " : "", path);
    }
    /* Read to the end, not to st_size (a file may grow while read); the
     * buffer holds one byte past max, to tell "too large", and the NUL. */
    size_t n = 0;
    if (grow(out, ((size_t)st.st_size < max ? (size_t)st.st_size : max) + 2)) {
        close(fd);
        return ri_fail(e, EX_OSERR, "out of memory reading %s", path);
    }
    for (;;) {
        if (n == out->cap - 1) {
            if (n > max) break;
            if (grow(out, out->cap - 1 > max / 2 ? max + 2 : 2 * out->cap)) {
                close(fd);
                fs_file_free(out);
                return ri_fail(e, EX_OSERR, "out of memory reading %s", path);
            }
        }
        ssize_t r = read(fd, out->data + n, out->cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            err = errno;
            close(fd);
            fs_file_free(out);
            return read_fail(path, what, err, e);
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        fs_file_free(out);
        return ri_fail(e, EX_DATAERR, "%s: larger than %zu bytes", path, max);
    }
    out->data[n] = '\0';
    out->len = n;
    return 0;
}

/* ---------------------------------------------------------------------------
 * Atomic writes
 * ------------------------------------------------------------------------ */

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write one temp file next to its target; on failure nothing is left. */
static int write_temp(const char *dir, const struct out_file *f, char *tmp, size_t tmplen,
                      ri_err *e) {
    char name[NAME_MAX + 1];
    int n = snprintf(name, sizeof name, ".%s.tmp.%ld", f->name, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof name)
        return ri_fail(e, EX_CANTCREAT, "file name too long: %.64s...", f->name);
    if (fs_join(tmp, tmplen, dir, name, e)) return e->code;
    unlink(tmp); /* a leftover of a killed earlier run with our pid */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, f->mode);
    if (fd < 0) {
        int err = errno;
        return ri_fail(e, EX_CANTCREAT, "cannot create files in %s: %s", dir, strerror(err));
    }
    /* The umask may have narrowed the mode; set it exactly. */
    if (fchmod(fd, f->mode) != 0 || write_all(fd, f->data, f->len) != 0 || fsync(fd) != 0) {
        int err = errno;
        close(fd);
        unlink(tmp);
        return ri_fail(e, EX_IOERR, "cannot write %s/%s: %s", dir, f->name, strerror(err));
    }
    if (close(fd) != 0) {
        int err = errno;
        unlink(tmp);
        return ri_fail(e, EX_IOERR, "cannot write %s/%s: %s", dir, f->name, strerror(err));
    }
    return 0;
}

#define FS_MAX_FILES 8

int fs_write_files(const char *dir, const struct out_file *files, int n, ri_err *e) {
    char tmps[FS_MAX_FILES][PATH_MAX];
    int made = 0, rc = 0;
    if (n > FS_MAX_FILES) return ri_fail(e, EX_SOFTWARE, "too many files (%d)", n);
    int isdir = fs_is_dir(dir);
    if (isdir != 1)
        return ri_fail(e, EX_CANTCREAT, "output directory %s: %s", dir,
                       isdir < 0 ? "does not exist" : "not a directory");

    /* Every name is checked first: a failure in the rename phase would leave
     * some files new and some old. */
    for (int i = 0; i < n; i++)
        if (strlen(files[i].name) + 24 > NAME_MAX || strchr(files[i].name, '/'))
            return ri_fail(e, EX_CANTCREAT, "invalid output file name: %.64s", files[i].name);
    for (; made < n; made++)
        if ((rc = write_temp(dir, &files[made], tmps[made], sizeof tmps[made], e)) != 0) break;
    if (rc != 0) {
        for (int i = 0; i < made; i++) unlink(tmps[i]);
        return rc;
    }
    for (int i = 0; i < n; i++) {
        char target[PATH_MAX];
        if ((rc = fs_join(target, sizeof target, dir, files[i].name, e)) != 0 ||
            rename(tmps[i], target) != 0) {
            if (rc == 0)
                rc = ri_fail(e, EX_IOERR, "cannot rename into %s: %s", target, strerror(errno));
            for (int j = i; j < n; j++) unlink(tmps[j]);
            return rc;
        }
    }
    /* Make the renames themselves durable. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync(dfd) != 0 && errno != EINVAL)
            rc = ri_fail(e, EX_IOERR, "cannot sync directory %s: %s", dir, strerror(errno));
        close(dfd);
    }
    return rc;
}

#define FS_HASH_MAX (1u << 20) /* no certificate or password file we follow is larger */

int fs_files_hash(const char *const *files, int n, unsigned char out[32]) {
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < n; i++) {
        struct file_data d;
        ri_err e = {0};
        if (fs_read_file(files[i], "file", FS_HASH_MAX, FS_WIPE, &d, &e)) return -1;
        sha256_update(&c, d.data, d.len);
        sha256_update(&c, "\0", 1);
        fs_file_free(&d);
    }
    sha256_final(&c, out);
    return 0;
}

int fs_settled(struct fs_settle *st, const unsigned char h[32]) {
    if (st->have && !memcmp(st->seen, h, 32)) return 1;
    memcpy(st->seen, h, 32);
    st->have = 1;
    return 0;
}
