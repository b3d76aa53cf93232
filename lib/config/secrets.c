/* secrets.c: credentials from config.json ({"data": {...}}), a flat JSON object or a
 * mounted Secret directory. See secrets.h for the contract.
 *
 * Every buffer that may hold a value (file contents, the comment-stripped
 * copy, our own copies) is wiped before it is freed. jansson's transient
 * internal copies are freed by jansson without wiping: swapping its
 * allocator is process-global and unsafe once any other code has used it. */
#include "config/secrets.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/sha256.h"

#define SECRETS_MAX_BYTES  (1u << 20) /* a Kubernetes Secret is at most 1 MiB too */
#define SECRETS_MAX_KEYS   256
#define SECRETS_KEY_MAX    253 /* Kubernetes Secret key length limit */
#define USERNAME_MAX       64
#define PROBE_DEFAULT_USER "redis-init-probe"
#define PROBE_HMAC_MSG     "redis-init probe v1"
#define RELOAD_HMAC_MSG    "redis-init tls-reload v1"

struct secret {
    char *key;
    char *val; /* NUL-terminated copy; NULL when bad */
    size_t len;
    const char *bad; /* why the value is unusable (directory format), or NULL */
};

struct secrets {
    struct secret *v;
    size_t n, cap;
    char *origin;
};

static void wipe_free(void *p, size_t n) {
    if (!p) return;
    explicit_bzero(p, n);
    free(p);
}

void secrets_free(struct secrets *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        wipe_free(s->v[i].val, s->v[i].len + 1);
        free(s->v[i].key);
    }
    free(s->v);
    free(s->origin);
    free(s);
}

const char *secrets_origin(const struct secrets *s) { return s ? s->origin : "secrets"; }

static struct secrets *secrets_new(const char *origin) {
    struct secrets *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->origin = strdup(origin ? origin : "secrets");
    if (!s->origin) {
        free(s);
        return NULL;
    }
    return s;
}

static int oom(ri_err *e) { return ri_fail(e, EX_OSERR, "out of memory while loading secrets"); }

/* Kubernetes Secret keys are [-._a-zA-Z0-9]+; holding every format to the
 * same rule keeps them interchangeable and makes key names safe to print. */
static int valid_key(const char *k, size_t len) {
    if (len == 0 || len > SECRETS_KEY_MAX) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* A printable rendering of an invalid key name for messages. */
static void printable(const char *in, size_t len, char *out, size_t outlen) {
    size_t j = 0;
    for (size_t i = 0; i < len && j + 4 < outlen; i++) {
        unsigned char c = (unsigned char)in[i];
        out[j++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
    }
    if (len > 0 && j + 4 >= outlen) out[j++] = '.', out[j++] = '.', out[j++] = '.';
    out[j] = '\0';
}

static int bad_key(const struct secrets *s, const char *k, size_t len, ri_err *e) {
    char shown[80];
    printable(k, len, shown, sizeof shown);
    return ri_fail(e, EX_DATAERR,
                   "%s: key name \"%s\" is not valid: use 1..%d letters, digits, '-', '_' or '.'",
                   s->origin, shown, SECRETS_KEY_MAX);
}

/* Append a copy of key/value. bad != NULL stores an unusable entry. */
static int add(struct secrets *s, const char *key, const char *val, size_t len, const char *bad,
               ri_err *e) {
    if (s->n == SECRETS_MAX_KEYS)
        return ri_fail(e, EX_DATAERR, "%s: more than %d keys", s->origin, SECRETS_MAX_KEYS);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct secret *v = realloc(s->v, cap * sizeof *v);
        if (!v) return oom(e);
        s->v = v;
        s->cap = cap;
    }
    struct secret *it = &s->v[s->n];
    memset(it, 0, sizeof *it);
    it->key = strdup(key);
    if (!it->key) return oom(e);
    if (!bad) {
        it->val = malloc(len + 1);
        if (!it->val) {
            free(it->key);
            return oom(e);
        }
        memcpy(it->val, val, len);
        it->val[len] = '\0';
        it->len = len;
    }
    it->bad = bad;
    s->n++;
    return 0;
}

int secrets_set(struct secrets *s, const char *key, const char *val, ri_err *e) {
    for (size_t i = 0; i < s->n; i++) {
        struct secret *it = &s->v[i];
        if (strcmp(it->key, key) != 0) continue;
        size_t len = strlen(val);
        char *copy = malloc(len + 1);
        if (!copy) return oom(e);
        memcpy(copy, val, len + 1);
        wipe_free(it->val, it->len + 1);
        it->val = copy;
        it->len = len;
        it->bad = NULL;
        return 0;
    }
    return add(s, key, val, strlen(val), NULL, e);
}

struct secrets *secrets_dup(const struct secrets *src, ri_err *e) {
    struct secrets *s = secrets_new(src->origin);
    if (!s) return oom(e), NULL;
    for (size_t i = 0; i < src->n; i++) {
        const struct secret *it = &src->v[i];
        if (add(s, it->key, it->val, it->len, it->bad, e)) {
            secrets_free(s);
            return NULL;
        }
    }
    return s;
}

static const struct secret *find(const struct secrets *s, const char *key) {
    if (!s || !key) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].key, key) == 0) return &s->v[i];
    return NULL;
}

/* ---------------------------------------------------------------------------
 * JSON with comments and trailing commas
 * ------------------------------------------------------------------------ */

/* Copy text to out (same capacity), blanking // and block comments outside
 * strings. A comment's characters become one space each (UTF-8 continuation
 * bytes are dropped) and newlines are kept, so jansson's line and column
 * still point into the user's file. Returns the new length, or -1 (with
 * *line, *col set) for an unterminated block comment. */
static long strip_comments(const char *in, size_t len, char *out, int *line, int *col) {
    size_t j = 0;
    int in_str = 0, ln = 1, cl = 0, start_ln = 0, start_cl = 0;
    enum { CODE, LINE_C, BLOCK_C } st = CODE;
    /* Editors that write a UTF-8 BOM do not count it as a column. */
    size_t i0 = len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (size_t i = i0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\n') ln++, cl = 0;
        else if ((c & 0xc0) != 0x80) cl++;
        if (st == LINE_C) {
            if (c == '\n') st = CODE, out[j++] = '\n';
            else if ((c & 0xc0) != 0x80) out[j++] = ' ';
            continue;
        }
        if (st == BLOCK_C) {
            if (c == '*' && i + 1 < len && in[i + 1] == '/') {
                out[j++] = ' ', out[j++] = ' ';
                i++, cl++;
                st = CODE;
            } else if (c == '\n' || c == '\r') out[j++] = (char)c;
            else if ((c & 0xc0) != 0x80) out[j++] = ' ';
            continue;
        }
        if (in_str) {
            if (c == '\\' && i + 1 < len) {
                out[j++] = (char)c;
                c = (unsigned char)in[++i];
                if (c == '\n') ln++, cl = 0;
                else if ((c & 0xc0) != 0x80) cl++;
            } else if (c == '"') in_str = 0;
            out[j++] = (char)c;
            continue;
        }
        if (c == '/' && i + 1 < len && (in[i + 1] == '/' || in[i + 1] == '*')) {
            st = in[i + 1] == '/' ? LINE_C : BLOCK_C;
            start_ln = ln, start_cl = cl;
            out[j++] = ' ', out[j++] = ' ';
            i++, cl++;
            continue;
        }
        if (c == '"') in_str = 1;
        out[j++] = (char)c;
    }
    if (st == BLOCK_C) {
        *line = start_ln, *col = start_cl;
        return -1;
    }
    return (long)j;
}

/* Blank a ',' that follows a value and that only whitespace separates from
 * '}' or ']' (in place). ",,}" and "{,}" stay, for jansson to point at. */
static void strip_trailing_commas(char *t, size_t len) {
    int in_str = 0;
    char last = 0; /* last significant character outside strings */
    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (t[i] == '\\') i++;
            else if (t[i] == '"') in_str = 0;
            continue;
        }
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') continue;
        if (t[i] == '"') in_str = 1;
        else if (t[i] == ',' && last && !strchr(",{[:", last)) {
            size_t k = i + 1;
            while (k < len && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r')) k++;
            if (k < len && (t[k] == '}' || t[k] == ']')) {
                t[i] = ' ';
                continue;
            }
        }
        last = t[i];
    }
}

static int structural(const char *tok, size_t n) { return n == 1 && strchr("{}[],:", tok[0]); }

/* jansson quotes input in its messages ("near '<token>'", "invalid Unicode
 * escape '\\u12'"): that text may be part of a password. Keep only quoted
 * structural characters; a string token becomes "a string". */
static void sanitize_jansson(const char *in, char *out, size_t outlen) {
    size_t o = 0;
    const char *near = strstr(in, " near '");
    const char *end = near ? near : in + strlen(in);
    for (const char *p = in; p < end && o + 1 < outlen;) {
        const char *q = *p == '\'' ? memchr(p + 1, '\'', (size_t)(end - p - 1)) : NULL;
        if (q && structural(p + 1, (size_t)(q - p - 1))) {
            for (; p <= q && o + 1 < outlen; p++) out[o++] = *p;
        } else if (q) {
            while (o > 0 && out[o - 1] == ' ') o--;
            p = q + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    if (!near) return;
    const char *tok = near + 7, *tend = strrchr(tok, '\'');
    size_t tn = tend ? (size_t)(tend - tok) : 0;
    if (structural(tok, tn)) snprintf(out + o, outlen - o, " near '%c'", tok[0]);
    else if (tok[0] == '"') snprintf(out + o, outlen - o, " near a string");
}

/* Store every member of obj; each value must be a NUL-free string. */
static int take_members(struct secrets *s, json_t *obj, ri_err *e) {
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        if (!valid_key(key, strlen(key))) return bad_key(s, key, strlen(key), e);
        if (!json_is_string(val))
            return ri_fail(e, EX_DATAERR, "%s: key %s: must be a string", s->origin, key);
        const char *v = json_string_value(val);
        size_t len = json_string_length(val);
        if (memchr(v, '\0', len))
            return ri_fail(
                e, EX_DATAERR,
                "%s: key %s: contains a NUL byte, which Redis cannot store in a config value",
                s->origin, key);
        int rc = add(s, key, v, len, NULL, e);
        if (rc) return rc;
    }
    return 0;
}

/* Seed format when "data" is an object (then nothing else may sit beside
 * it: a Kubernetes Secret manifest would otherwise be read with its base64
 * values); else a flat object. */
static int take_root(struct secrets *s, json_t *root, ri_err *e) {
    json_t *data = json_object_get(root, "data");
    if (!json_is_object(data)) return take_members(s, root, e);
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "data") == 0) continue;
        char shown[80];
        printable(key, strlen(key), shown, sizeof shown);
        return ri_fail(
            e, EX_DATAERR,
            "%s: unexpected top-level key \"%s\" beside \"data\" (plain values expected, "
            "not a Kubernetes Secret manifest)",
            s->origin, shown);
    }
    return take_members(s, data, e);
}

int secrets_parse_json(struct secrets **out, const char *text, size_t len, const char *origin,
                       ri_err *e) {
    *out = NULL;
    struct secrets *s = secrets_new(origin);
    if (!s) return oom(e);
    if (len > SECRETS_MAX_BYTES) {
        ri_fail(e, EX_DATAERR, "%s: larger than %u bytes", s->origin, SECRETS_MAX_BYTES);
        secrets_free(s);
        return EX_DATAERR;
    }
    char *buf = malloc(len + 1);
    if (!buf) {
        secrets_free(s);
        return oom(e);
    }
    int rc = 0, line = 0, col = 0;
    long n = strip_comments(text, len, buf, &line, &col);
    if (n < 0) {
        rc = ri_fail(e, EX_DATAERR, "%s:%d:%d: malformed JSON: unterminated /* comment", s->origin,
                     line, col);
    } else {
        strip_trailing_commas(buf, (size_t)n);
        json_error_t je;
        json_t *root = json_loadb(buf, (size_t)n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
        if (!root) {
            char why[JSON_ERROR_TEXT_LENGTH];
            sanitize_jansson(je.text, why, sizeof why);
            rc = ri_fail(e, EX_DATAERR, "%s:%d:%d: malformed JSON: %s", s->origin, je.line,
                         je.column, why);
        } else {
            rc = json_is_object(root)
                     ? take_root(s, root, e)
                     : ri_fail(e, EX_DATAERR, "%s: expected a JSON object", s->origin);
            json_decref(root);
        }
    }
    wipe_free(buf, len + 1);
    if (rc) {
        secrets_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---------------------------------------------------------------------------
 * Files and directories
 * ------------------------------------------------------------------------ */

static int read_fail(const char *path, int err, ri_err *e) {
    return ri_fail(e, EX_NOINPUT, "cannot read secrets %s: %s", path, strerror(err));
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One file of a Secret directory. A value with a NUL byte is stored as bad
 * and only reported when that key is asked for: a mounted Secret may also
 * carry binary keys (a keystore) that redis-init never uses. */
static int load_entry(struct secrets *s, const char *dir, const char *name, ri_err *e) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return ri_fail(e, EX_NOINPUT, "cannot read secrets %s/%s: path too long", dir, name);
    struct stat st;
    /* A dangling link (a key being removed while kubelet swaps ..data)
     * is a missing key, reported only if someone asks for it. */
    if (stat(path, &st) != 0) return errno == ENOENT ? 0 : read_fail(path, errno, e);
    if (!S_ISREG(st.st_mode)) return 0;           /* ..data and other directories, sockets, FIFOs */
    if (!valid_key(name, strlen(name))) return 0; /* cannot be a key we look up */
    struct file_data f;
    int rc = fs_read_file(path, "secrets", SECRETS_MAX_BYTES, FS_WIPE, &f, e);
    if (rc) return rc;
    size_t len = f.len;
    if (len > 0 && f.data[len - 1] == '\n') len--;
    if (len > 0 && f.data[len - 1] == '\r' && f.data[len] == '\n') len--;
    const char *bad = memchr(f.data, '\0', len)
                          ? "contains a NUL byte, which Redis cannot store in a config value"
                          : NULL;
    rc = add(s, name, f.data, len, bad, e);
    fs_file_free(&f);
    return rc;
}

static int load_dir(struct secrets *s, const char *path, ri_err *e) {
    DIR *d = opendir(path);
    if (!d) return read_fail(path, errno, e);
    char *names[SECRETS_MAX_KEYS * 2];
    size_t n = 0;
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while (!rc && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue; /* ., .., ..data, ..2024_01_01_... */
        if (n == sizeof names / sizeof names[0])
            rc = ri_fail(e, EX_DATAERR, "%s: more than %d keys", path, SECRETS_MAX_KEYS);
        else if (!(names[n++] = strdup(de->d_name))) n--, rc = oom(e);
    }
    if (!rc && errno) rc = read_fail(path, errno, e);
    closedir(d);
    /* Sorted so that the result does not depend on directory order. */
    if (!rc) qsort(names, n, sizeof names[0], name_cmp);
    for (size_t i = 0; i < n && !rc; i++) rc = load_entry(s, path, names[i], e);
    for (size_t i = 0; i < n; i++) free(names[i]);
    return rc;
}

int secrets_load(struct secrets **out, const char *path, ri_err *e) {
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) return read_fail(path, errno, e);
    if (S_ISDIR(st.st_mode)) {
        struct secrets *s = secrets_new(path);
        if (!s) return oom(e);
        int rc = load_dir(s, path, e);
        if (rc) {
            secrets_free(s);
            return rc;
        }
        *out = s;
        return 0;
    }
    struct file_data f;
    int rc = fs_read_file(path, "secrets", SECRETS_MAX_BYTES, FS_WIPE, &f, e);
    if (rc) return rc;
    rc = secrets_parse_json(out, f.data, f.len, path, e);
    fs_file_free(&f);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Access
 * ------------------------------------------------------------------------ */

const char *secrets_get(const struct secrets *s, const char *key, size_t *len) {
    const struct secret *it = find(s, key);
    if (!it || it->bad) return NULL;
    if (len) *len = it->len;
    return it->val;
}

/* Present and usable: *val set (NULL when absent). Bad entries are errors. */
static int lookup(const struct secrets *s, const char *key, const struct secret **out, ri_err *e) {
    const struct secret *it = find(s, key);
    if (it && it->bad)
        return ri_fail(e, EX_DATAERR, "%s: key %s: %s", secrets_origin(s), key, it->bad);
    *out = it;
    return 0;
}

int secrets_require(const struct secrets *s, const char *key, const char **val, ri_err *e) {
    const struct secret *it;
    int rc = lookup(s, key, &it, e);
    if (rc) return rc;
    if (!it) return ri_fail(e, EX_DATAERR, "%s: key %s: missing", secrets_origin(s), key);
    if (it->len == 0) return ri_fail(e, EX_DATAERR, "%s: key %s: empty", secrets_origin(s), key);
    *val = it->val;
    return 0;
}

static int check_username(const struct secrets *s, const char *key, const char *v, ri_err *e) {
    size_t len = strlen(v);
    int ok = len >= 1 && len <= USERNAME_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)v[i] >= 0x21 && (unsigned char)v[i] <= 0x7e;
    if (!ok)
        return ri_fail(
            e, EX_DATAERR,
            "%s: key %s: a user name must be 1..%d printable ASCII characters without spaces",
            secrets_origin(s), key, USERNAME_MAX);
    return 0;
}

int secrets_require_username(const struct secrets *s, const char *key, const char **val,
                             ri_err *e) {
    const char *v;
    int rc = secrets_require(s, key, &v, e);
    if (rc) return rc;
    if ((rc = check_username(s, key, v, e))) return rc;
    *val = v;
    return 0;
}

static int copy_out(const struct secrets *s, const char *key, const char *v, char *out,
                    size_t outlen, ri_err *e) {
    size_t len = strlen(v);
    if (len >= outlen)
        return ri_fail(e, EX_DATAERR, "%s: key %s: longer than %zu bytes", secrets_origin(s), key,
                       outlen ? outlen - 1 : 0);
    memcpy(out, v, len + 1);
    return 0;
}

int secrets_probe_credentials(const struct secrets *s, char *user, size_t userlen, char *pass,
                              size_t passlen, ri_err *e) {
    const struct secret *u, *p;
    const char *v;
    int rc;
    if ((rc = lookup(s, SECRET_PROBE_USER, &u, e)) || (rc = lookup(s, SECRET_PROBE_PASS, &p, e)))
        return rc;
    if (u) {
        if ((rc = secrets_require_username(s, SECRET_PROBE_USER, &v, e)) ||
            (rc = copy_out(s, SECRET_PROBE_USER, v, user, userlen, e)))
            return rc;
    } else if ((rc = copy_out(s, SECRET_PROBE_USER, PROBE_DEFAULT_USER, user, userlen, e))) {
        return rc;
    }
    if (p) {
        /* Given but empty is a mistake, not a request for the default. */
        if ((rc = secrets_require(s, SECRET_PROBE_PASS, &v, e))) return rc;
        return copy_out(s, SECRET_PROBE_PASS, v, pass, passlen, e);
    }
    const char *admin;
    if ((rc = secrets_require(s, SECRET_ADMIN_PASS, &admin, e)))
        return ri_prefix(e, "deriving the probe password (no %s given)", SECRET_PROBE_PASS);
    if (passlen < 65) return ri_fail(e, EX_SOFTWARE, "probe password buffer too small");
    unsigned char mac[32];
    hmac_sha256(admin, strlen(admin), PROBE_HMAC_MSG, sizeof PROBE_HMAC_MSG - 1, mac);
    hex_encode(mac, sizeof mac, pass);
    explicit_bzero(mac, sizeof mac);
    return 0;
}

int secrets_reload_password(const struct secrets *s, char pass[65], ri_err *e) {
    const char *admin;
    int rc = secrets_require(s, SECRET_ADMIN_PASS, &admin, e);
    if (rc) return ri_prefix(e, "deriving the certificate reload password");
    unsigned char mac[32];
    hmac_sha256(admin, strlen(admin), RELOAD_HMAC_MSG, sizeof RELOAD_HMAC_MSG - 1, mac);
    hex_encode(mac, sizeof mac, pass);
    explicit_bzero(mac, sizeof mac);
    return 0;
}
