/* credstate.c: see credstate.h. */
#include "config/credstate.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/sha256.h"

#define STATE_MAX_BYTES (64 * 1024)

const char *const credstate_login_keys[] = {
    SECRET_ADMIN_USER,
    SECRET_ADMIN_PASS,
    SECRET_REPLICA_USER,
    SECRET_REPLICA_PASS,
    SECRET_SENTINEL_USER,
    SECRET_SENTINEL_PASS,
    SECRET_SYNC_USER,
    SECRET_SYNC_PASS,
    SECRET_SERVICE_USER,
    SECRET_SERVICE_PASS,
    SECRET_PROBE_USER,
    SECRET_PROBE_PASS,
    SECRET_WEBDIS_USER,
    SECRET_WEBDIS_PASS,
    SECRET_EXPORTER_USER,
    SECRET_EXPORTER_PASS,
    NULL,
};

static int oom(ri_err *e) { return ri_fail(e, EX_OSERR, "out of memory"); }

static int bad(ri_err *e, const char *path, const char *field, const char *why) {
    return ri_fail(e, EX_DATAERR, "%s: %s: %s", path, field, why);
}

static int hex_digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hash(const char *hex, unsigned char out[32]) {
    if (strlen(hex) != 64) return -1;
    for (int i = 0; i < 32; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static int read_users(json_t *obj, const char *path, struct creds_set *c, ri_err *e) {
    const char *name;
    json_t *v;
    c->n = 0;
    if (!json_is_object(obj)) return bad(e, path, "old_users", "not an object");
    json_object_foreach(obj, name, v) {
        if (c->n == CREDS_MAX_USERS) return bad(e, path, "old_users", "too many users");
        struct creds_user *u = &c->u[c->n];
        if (!*name || strlen(name) >= sizeof u->name)
            return bad(e, path, "old_users", "a user name is empty or too long");
        if (!json_is_string(v) || parse_hash(json_string_value(v), u->hash))
            return bad(e, path, "old_users", "a hash is not 64 lowercase hex digits");
        snprintf(u->name, sizeof u->name, "%s", name);
        u->pass_key = NULL;
        c->n++;
    }
    return 0;
}

static int read_login(json_t *obj, const char *path, struct secrets **out, ri_err *e) {
    *out = NULL;
    if (!json_is_object(obj)) return bad(e, path, "old_login", "not an object");
    if (!json_object_size(obj)) return 0;
    char *text = json_dumps(obj, JSON_COMPACT);
    if (!text) return oom(e);
    char origin[PATH_MAX + 16];
    snprintf(origin, sizeof origin, "%s old_login", path);
    int rc = secrets_parse_json(out, text, strlen(text), origin, e);
    explicit_bzero(text, strlen(text));
    free(text);
    return rc;
}

static int parse(json_t *root, const char *path, struct creds_state *st, ri_err *e) {
    json_t *gen = json_object_get(root, "gen"), *phase = json_object_get(root, "phase");
    if (!json_is_object(root)) return bad(e, path, "the file", "not a JSON object");
    if (json_integer_value(json_object_get(root, "version")) != 1)
        return bad(e, path, "version", "not 1 (written by another redis-init)");
    if (!json_is_string(gen) || !creds_gen_valid(json_string_value(gen)))
        return bad(e, path, "gen", "not 12 lowercase hex digits");
    snprintf(st->gen, sizeof st->gen, "%s", json_string_value(gen));
    st->phase = json_is_string(phase) ? creds_phase_parse(json_string_value(phase)) : CREDS_NONE;
    if (st->phase == CREDS_NONE) return bad(e, path, "phase", "not accept, use or done");
    int rc = read_users(json_object_get(root, "old_users"), path, &st->old_users, e);
    return rc ? rc : read_login(json_object_get(root, "old_login"), path, &st->old_login, e);
}

int credstate_read(const char *dir, struct creds_state *st, ri_err *e) {
    char path[PATH_MAX];
    memset(st, 0, sizeof *st);
    int rc = fs_join(path, sizeof path, dir, CREDSTATE_FILE, e);
    if (rc) return rc;
    if (fs_is_dir(path) < 0) return 0; /* no rotation recorded here */
    struct file_data f;
    if ((rc = fs_read_file(path, "credentials state", STATE_MAX_BYTES, FS_WIPE, &f, e))) return rc;
    json_error_t je;
    json_t *root = json_loadb(f.data, f.len, JSON_REJECT_DUPLICATES, &je);
    fs_file_free(&f);
    if (!root) return ri_fail(e, EX_DATAERR, "%s:%d:%d: malformed JSON", path, je.line, je.column);
    rc = parse(root, path, st, e);
    json_decref(root);
    if (rc) credstate_free(st);
    return rc;
}

static json_t *users_json(const struct creds_set *c) {
    json_t *o = json_object();
    for (int i = 0; o && i < c->n; i++) {
        char hex[65];
        hex_encode(c->u[i].hash, 32, hex);
        if (json_object_set_new(o, c->u[i].name, json_string(hex))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *login_json(const struct secrets *sec) {
    json_t *o = json_object();
    for (int i = 0; o && sec && credstate_login_keys[i]; i++) {
        const char *v = secrets_get(sec, credstate_login_keys[i], NULL);
        json_t *s = v ? json_string(v) : NULL;
        if (v && (!s || json_object_set_new(o, credstate_login_keys[i], s))) {
            json_decref(o);
            return NULL; /* not UTF-8: secrets from a directory may hold any bytes */
        }
    }
    return o;
}

int credstate_write(const char *dir, const struct creds_state *st, const struct secrets *old_sec,
                    ri_err *e) {
    json_t *users = users_json(&st->old_users), *login = login_json(old_sec);
    json_t *root = json_pack("{s:i, s:s, s:s, s:o*, s:o*}", "version", 1, "gen", st->gen, "phase",
                             creds_phase_name(st->phase), "old_users", users, "old_login", login);
    if (!users || !login || !root) {
        json_decref(root);
        return ri_fail(e, EX_DATAERR,
                       "%s: an old password is not valid UTF-8, which %s (JSON) "
                       "cannot hold",
                       old_sec ? secrets_origin(old_sec) : "secrets", CREDSTATE_FILE);
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    if (!text) return oom(e);
    size_t len = strlen(text);
    struct out_file f = {.name = CREDSTATE_FILE, .data = text, .len = len, .mode = 0600};
    int rc = fs_write_files(dir, &f, 1, e);
    explicit_bzero(text, len);
    free(text);
    return rc;
}

void credstate_free(struct creds_state *st) {
    secrets_free(st->old_login);
    st->old_login = NULL;
}

struct secrets *credstate_overlay(const struct secrets *sec, const struct secrets *old, ri_err *e) {
    struct secrets *view = secrets_dup(sec, e);
    for (int i = 0; view && credstate_login_keys[i]; i++) {
        const char *v = secrets_get(old, credstate_login_keys[i], NULL);
        if (v && secrets_set(view, credstate_login_keys[i], v, e)) {
            secrets_free(view);
            view = NULL;
        }
    }
    return view;
}
