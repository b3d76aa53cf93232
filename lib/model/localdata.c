/* localdata.c: does the data dir hold keys? See localdata.h for the rules.
 *
 * The RDB reader is a bounded cursor over a byte buffer: every read checks
 * the remaining length first, and any doubt (truncation, an encoding or
 * opcode we do not know) ends in "has keys", never in "empty". */
#include "model/localdata.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_MAX (1024 * 1024) /* the preamble we need is far smaller */

enum {
    OP_FUNCTION2 = 0xF5,
    OP_MODULE_AUX = 0xF7,
    OP_AUX = 0xFA,
    OP_RESIZEDB = 0xFB,
    OP_SELECTDB = 0xFE,
    OP_EOF = 0xFF,
};

struct cur {
    const unsigned char *b;
    size_t len, pos;
};

static int cur_byte(struct cur *c, unsigned *v) {
    if (c->pos >= c->len) return -1;
    *v = c->b[c->pos++];
    return 0;
}

static int cur_skip(struct cur *c, uint64_t n) {
    if (n > c->len - c->pos) return -1;
    c->pos += (size_t)n;
    return 0;
}

/* Big-endian (lengths) or little-endian (int encodings) unsigned of n bytes. */
static int cur_uint(struct cur *c, unsigned n, int big_endian, uint64_t *v) {
    if (n > c->len - c->pos) return -1;
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned sh = big_endian ? 8 * (n - 1 - i) : 8 * i;
        x |= (uint64_t)c->b[c->pos + i] << sh;
    }
    c->pos += n;
    *v = x;
    return 0;
}

/* An RDB length. For the 11xxxxxx "special encoding" form *enc is set and
 * *v holds the 6-bit encoding type. */
static int cur_len(struct cur *c, uint64_t *v, int *enc) {
    unsigned b0, b1;
    *enc = 0;
    if (cur_byte(c, &b0)) return -1;
    switch (b0 >> 6) {
    case 0: *v = b0 & 0x3F; return 0;
    case 1:
        if (cur_byte(c, &b1)) return -1;
        *v = ((uint64_t)(b0 & 0x3F) << 8) | b1;
        return 0;
    case 2:
        if (b0 == 0x80) return cur_uint(c, 4, 1, v);
        if (b0 == 0x81) return cur_uint(c, 8, 1, v);
        return -1;
    default:
        *enc = 1;
        *v = b0 & 0x3F;
        return 0;
    }
}

/* LZF decompression, bounded on both sides; 0 on any inconsistency. Only
 * used for small aux values (a repl-id can be stored compressed). */
static size_t lzf_dec(const unsigned char *in, size_t in_len, unsigned char *out, size_t out_len) {
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        unsigned ctrl = in[ip++];
        if (ctrl < 32) {
            size_t n = ctrl + 1;
            if (n > in_len - ip || n > out_len - op) return 0;
            memcpy(out + op, in + ip, n);
            ip += n;
            op += n;
            continue;
        }
        size_t n = ctrl >> 5;
        if (n == 7) {
            if (ip >= in_len) return 0;
            n += in[ip++];
        }
        if (ip >= in_len) return 0;
        size_t back = ((size_t)(ctrl & 0x1F) << 8) + in[ip++] + 1;
        n += 2;
        if (back > op || n > out_len - op) return 0;
        for (size_t i = 0; i < n; i++, op++) out[op] = out[op - back];
    }
    return op;
}

/* Read one RDB string. If out is set and the value fits in cap-1 bytes it is
 * copied NUL-terminated (integers as decimal) and *got = 1. */
static int cur_string(struct cur *c, char *out, size_t cap, int *got) {
    uint64_t n, clen, x;
    int enc;
    *got = 0;
    if (cur_len(c, &n, &enc)) return -1;
    if (!enc) {
        size_t at = c->pos;
        if (cur_skip(c, n)) return -1;
        if (out && n < cap) {
            memcpy(out, c->b + at, (size_t)n);
            out[n] = '\0';
            *got = 1;
        }
        return 0;
    }
    if (n <= 2) { /* int8, int16, int32, little endian, signed */
        unsigned bytes = 1u << n;
        if (cur_uint(c, bytes, 0, &x)) return -1;
        long long v = bytes == 1 ? (int8_t)x : bytes == 2 ? (int16_t)x : (int32_t)x;
        if (out && cap >= 12) {
            snprintf(out, cap, "%lld", v);
            *got = 1;
        }
        return 0;
    }
    if (n != 3) return -1; /* unknown encoding */
    if (cur_len(c, &clen, &enc) || enc) return -1;
    if (cur_len(c, &n, &enc) || enc) return -1;
    size_t at = c->pos;
    if (cur_skip(c, clen)) return -1;
    if (out && n < cap && lzf_dec(c->b + at, (size_t)clen, (unsigned char *)out, cap - 1) == n) {
        out[n] = '\0';
        *got = 1;
    }
    return 0;
}

/* Decimal repl-offset; -1 when it is not a clean non-negative number. */
static long long parse_offset(const char *s) {
    if (!*s) return -1;
    long long x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (x > (INT64_MAX - (*s - '0')) / 10) return -1;
        x = x * 10 + (*s - '0');
    }
    return x;
}

static int read_aux(struct cur *c, struct rdb_info *out) {
    char key[32], val[64];
    int gk, gv;
    if (cur_string(c, key, sizeof key, &gk)) return -1;
    if (cur_string(c, val, sizeof val, &gv)) return -1;
    if (!gk || !gv) return 0;
    if (strcmp(key, "repl-id") == 0 && strlen(val) < sizeof out->replid)
        memcpy(out->replid, val, strlen(val) + 1);
    else if (strcmp(key, "repl-offset") == 0) out->offset = parse_offset(val);
    return 0;
}

/* The 9-byte magic: "REDIS" + 4 digits (Redis, and Valkey up to 8.1, which
 * writes RDB 11), or "VALKEY" + 3 digits (Valkey 9.0+, RDB 80; docs/servers.md).
 * The opcodes that follow are the same. Returns the version, or -1. */
static int rdb_magic_version(const unsigned char *buf, size_t len) {
    size_t at = 0;
    if (!buf || len < 9) return -1;
    if (memcmp(buf, "REDIS", 5) == 0) at = 5;
    else if (memcmp(buf, "VALKEY", 6) == 0) at = 6;
    else return -1;
    int ver = 0;
    for (size_t i = at; i < 9; i++) {
        if (buf[i] < '0' || buf[i] > '9') return -1;
        ver = ver * 10 + (buf[i] - '0');
    }
    return ver;
}

void rdb_inspect(const unsigned char *buf, size_t len, struct rdb_info *out) {
    memset(out, 0, sizeof *out);
    out->has_keys = 1;
    out->offset = -1;
    int ver = rdb_magic_version(buf, len);
    if (ver < 0) return;
    struct cur c = {buf, len, 9};
    for (;;) {
        unsigned op;
        uint64_t a, b;
        int enc;
        if (cur_byte(&c, &op)) return; /* truncated before a decision */
        if (op == OP_AUX) {
            if (read_aux(&c, out)) return;
        } else if (op == OP_RESIZEDB) {
            if (cur_len(&c, &a, &enc) || enc || cur_len(&c, &b, &enc) || enc) return;
        } else if (op == OP_EOF) {
            /* Redis writes SELECTDB only for non-empty databases, so reaching
             * EOF first proves there is no key. RDB >= 5 adds a checksum. */
            out->valid = 1;
            out->has_keys = 0;
            out->end = c.pos + (ver >= 5 ? 8 : 0);
            return;
        } else {
            /* SELECTDB: keys follow. Functions, module aux, or anything new:
             * we cannot prove emptiness, so count it as data. */
            out->valid = 1;
            return;
        }
    }
}

/* ---- files ---- */

struct acc {
    struct local_data *out;
    time_t repl_mtime; /* mtime of the file replid/offset came from */
    int have_repl;
};

/* Append "; <formatted>" to the summary, silently truncating. */
static void note(struct acc *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct acc *a, const char *fmt, ...) {
    char *s = a->out->summary;
    size_t used = strlen(s);
    if (used + 3 >= sizeof a->out->summary) return;
    if (used) {
        strcpy(s + used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s + used, sizeof a->out->summary - used, fmt, ap);
    va_end(ap);
}

struct head {
    unsigned char *buf;
    size_t n; /* bytes read (<= READ_MAX) */
    off_t size;
    time_t mtime;
};

/* 0 with h filled, or an errno (ENOENT when absent). Non-regular files are
 * EINVAL: a directory named dump.rdb is not something we understand. */
static int read_head(const char *path, struct head *h) {
    memset(h, 0, sizeof *h);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0) err = errno;
    else if (!S_ISREG(st.st_mode)) err = EINVAL;
    if (err) {
        close(fd);
        return err;
    }
    h->size = st.st_size;
    h->mtime = st.st_mtime;
    size_t want = st.st_size > READ_MAX ? READ_MAX : (size_t)st.st_size;
    h->buf = malloc(want ? want : 1);
    if (!h->buf) {
        close(fd);
        return ENOMEM;
    }
    while (h->n < want) {
        ssize_t r = read(fd, h->buf + h->n, want - h->n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            err = errno;
            break;
        }
        if (r == 0) break; /* shrank under us: inspect what we have */
        h->n += (size_t)r;
    }
    close(fd);
    if (err) {
        free(h->buf);
        h->buf = NULL;
    }
    return err;
}

static void take_repl(struct acc *a, const struct rdb_info *ri, time_t mtime) {
    if (!ri->replid[0] && ri->offset < 0) return;
    if (a->have_repl && mtime < a->repl_mtime) return;
    memcpy(a->out->replid, ri->replid, sizeof a->out->replid);
    a->out->offset = ri->offset;
    a->repl_mtime = mtime;
    a->have_repl = 1;
}

/* An absent file says nothing; any other failure to read is "data". */
static int open_failed(struct acc *a, const char *label, int err) {
    if (err == ENOENT) return 1;
    a->out->has_data = 1;
    note(a, "%s: unreadable (%s), counted as data", label, strerror(err));
    return 1;
}

/* An RDB file: data unless the preamble proves there are no keys. */
static void inspect_rdb(struct acc *a, const char *path, const char *label) {
    struct head h;
    int err = read_head(path, &h);
    if (err) {
        open_failed(a, label, err);
        return;
    }
    if (h.size == 0) {
        note(a, "%s: %s", label, "empty file");
    } else {
        struct rdb_info ri;
        rdb_inspect(h.buf, h.n, &ri);
        take_repl(a, &ri, h.mtime);
        if (ri.has_keys) a->out->has_data = 1;
        note(a, "%s: %s", label,
             !ri.valid     ? "unrecognised, counted as data"
             : ri.has_keys ? "keys"
                           : "no keys");
    }
    free(h.buf);
}

/* An AOF: any command is data, except a bare RDB preamble without keys. */
static void inspect_aof(struct acc *a, const char *path, const char *label) {
    struct head h;
    int err = read_head(path, &h);
    if (err) {
        open_failed(a, label, err);
        return;
    }
    const char *what = "empty file";
    if (h.size > 0 && rdb_magic_version(h.buf, h.n) >= 0) {
        struct rdb_info ri;
        rdb_inspect(h.buf, h.n, &ri);
        take_repl(a, &ri, h.mtime);
        if (ri.has_keys || (off_t)ri.end < h.size) {
            a->out->has_data = 1;
            what = ri.has_keys ? "keys" : "commands after the RDB preamble";
        } else {
            what = "RDB preamble, no keys";
        }
    } else if (h.size > 0) {
        a->out->has_data = 1;
        what = "commands";
    }
    note(a, "%s: %s", label, what);
    free(h.buf);
}

static int join(char *dst, size_t cap, const char *a, const char *b) {
    int n = snprintf(dst, cap, "%s/%s", a, b);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- the AOF directory (Redis 7.0+) ---- */

#define AOF_DIR      "appendonlydir"
#define AOF_MANIFEST "appendonly.aof.manifest"

/* One manifest line, "file NAME seq N type b|h|i" (keys in any order).
 * 1 = entry, 0 = blank or comment, -1 = something we do not understand
 * (quoted names included: default names never need quoting). */
static int manifest_line(char *line, char **name, char *type) {
    char *save = NULL, *k, *v;
    *name = NULL;
    *type = 0;
    if (line[0] == '#') return 0;
    if (strchr(line, '"')) return -1;
    int any = 0;
    while ((k = strtok_r(any ? NULL : line, " \t\r", &save)) != NULL) {
        any = 1;
        if (!(v = strtok_r(NULL, " \t\r", &save))) return -1;
        if (strcmp(k, "file") == 0) *name = v;
        else if (strcmp(k, "type") == 0 && strlen(v) == 1) *type = v[0];
    }
    if (!any) return 0;
    return *name && (*type == 'b' || *type == 'h' || *type == 'i') ? 1 : -1;
}

static void inspect_incr(struct acc *a, const char *path, const char *label) {
    struct stat st;
    if (stat(path, &st) != 0) {
        a->out->has_data = 1;
        note(a, "%s: %s, counted as data", label, strerror(errno));
    } else if (st.st_size > 0) {
        a->out->has_data = 1;
        note(a, "%s: %s", label, "commands");
    }
}

static void manifest_entry(struct acc *a, const char *aofdir, const char *name, char type) {
    char path[4096], label[300];
    struct stat st;
    snprintf(label, sizeof label, AOF_DIR "/%s", name);
    if (type == 'h') return; /* history: already superseded, about to be deleted */
    if (!name[0] || strchr(name, '/') || join(path, sizeof path, aofdir, name)) {
        a->out->has_data = 1;
        note(a, "%s: %s", label, "unusual file name, counted as data");
    } else if (type == 'i') {
        inspect_incr(a, path, label);
    } else if (stat(path, &st) != 0 && errno == ENOENT) {
        /* A listed base that is missing is a broken AOF, not an empty one. */
        a->out->has_data = 1;
        note(a, "%s: %s", label, "missing, counted as data");
    } else if (ends_with(name, ".rdb")) {
        inspect_rdb(a, path, label);
    } else {
        inspect_aof(a, path, label);
    }
}

/* No manifest: we do not know which files Redis would load, so any
 * non-empty file counts. */
static int scan_aof_dir(struct acc *a, const char *aofdir, ri_err *e) {
    DIR *d = opendir(aofdir);
    if (!d) return ri_fail(e, EX_IOERR, "%s: %s", aofdir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (de->d_name[0] == '.' || join(path, sizeof path, aofdir, de->d_name)) continue;
        if (stat(path, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > 0)) {
            a->out->has_data = 1;
            note(a, AOF_DIR ": %s%s", "no manifest, non-empty file ", de->d_name);
            break;
        }
    }
    closedir(d);
    return 0;
}

static int inspect_aof_dir(struct acc *a, const char *dir, ri_err *e) {
    char aofdir[4096], mpath[4096];
    struct stat st;
    if (join(aofdir, sizeof aofdir, dir, AOF_DIR) ||
        join(mpath, sizeof mpath, aofdir, AOF_MANIFEST))
        return ri_fail(e, EX_IOERR, "%s: path too long", dir);
    if (stat(aofdir, &st) != 0) {
        if (errno == ENOENT) return 0;
        return ri_fail(e, EX_IOERR, "%s: %s", aofdir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        a->out->has_data = 1;
        note(a, "%s: %s", AOF_DIR, "not a directory, counted as data");
        return 0;
    }
    struct head h;
    int err = read_head(mpath, &h);
    if (err == ENOENT) return scan_aof_dir(a, aofdir, e);
    if (err) return open_failed(a, AOF_DIR "/" AOF_MANIFEST, err), 0;
    char *text = malloc(h.n + 1), *save = NULL, *line;
    if (!text) {
        free(h.buf);
        return ri_fail(e, EX_OSERR, "out of memory");
    }
    memcpy(text, h.buf, h.n);
    text[h.n] = '\0';
    free(h.buf);
    int entries = 0;
    if (strlen(text) != h.n) { /* NUL bytes: not a manifest Redis wrote */
        a->out->has_data = 1;
        note(a, "%s: %s", AOF_DIR "/" AOF_MANIFEST, "binary content, counted as data");
    }
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *name, type;
        int r = manifest_line(line, &name, &type);
        if (r < 0) {
            a->out->has_data = 1;
            note(a, "%s: %s", AOF_DIR "/" AOF_MANIFEST, "unparsable line, counted as data");
            break;
        }
        if (r == 1) {
            entries++;
            manifest_entry(a, aofdir, name, type);
        }
    }
    free(text);
    if (!entries) note(a, "%s: %s", AOF_DIR "/" AOF_MANIFEST, "lists no files");
    return 0;
}

int localdata_inspect(const char *dir, struct local_data *out, ri_err *e) {
    memset(out, 0, sizeof *out);
    out->offset = -1;
    struct acc a = {.out = out};
    struct stat st;
    char path[4096];
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT) return ri_fail(e, EX_IOERR, "data dir %s: %s", dir, strerror(errno));
        snprintf(out->summary, sizeof out->summary, "no data dir");
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) return ri_fail(e, EX_IOERR, "data dir %s: not a directory", dir);
    DIR *d = opendir(dir); /* proves we can list it, not just stat it */
    if (!d) return ri_fail(e, EX_IOERR, "data dir %s: %s", dir, strerror(errno));
    closedir(d);
    if (join(path, sizeof path, dir, "dump.rdb"))
        return ri_fail(e, EX_IOERR, "data dir %s: path too long", dir);
    inspect_rdb(&a, path, "dump.rdb");
    if (join(path, sizeof path, dir, "appendonly.aof"))
        return ri_fail(e, EX_IOERR, "data dir %s: path too long", dir);
    inspect_aof(&a, path, "appendonly.aof");
    int rc = inspect_aof_dir(&a, dir, e);
    if (rc) return rc;
    if (!out->summary[0]) snprintf(out->summary, sizeof out->summary, "no data files");
    if (out->offset >= 0) {
        char tail[48];
        snprintf(tail, sizeof tail, "%lld", out->offset);
        note(&a, "%s %s", "repl-offset", tail);
    }
    return 0;
}
