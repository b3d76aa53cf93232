/* creds.c: see creds.h. */
#include "config/creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"

#define GEN_DOMAIN "redis-init credentials gen v1\n"

static int add(struct creds_set *c, const char *name, const char *pass_key, const char *pass,
               ri_err *e) {
    if (c->n == CREDS_MAX_USERS) return ri_fail(e, EX_CONFIG, "too many users");
    struct creds_user *u = &c->u[c->n++];
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", name);
    u->pass_key = pass_key;
    sha256(pass, strlen(pass), u->hash);
    return 0;
}

/* A user whose name and password are secret keys, both required. */
static int add_required(struct creds_set *c, const struct secrets *sec, const char *user_key,
                        const char *pass_key, ri_err *e) {
    const char *name, *pass;
    int rc = secrets_require_username(sec, user_key, &name, e);
    if (!rc) rc = secrets_require(sec, pass_key, &pass, e);
    return rc ? rc : add(c, name, pass_key, pass, e);
}

/* A user that exists only when its password is set; def_name without its name key. */
static int add_optional(struct creds_set *c, const struct secrets *sec, const char *user_key,
                        const char *pass_key, const char *def_name, ri_err *e) {
    const char *name = def_name, *pass = secrets_get(sec, pass_key, NULL);
    int rc;
    if (!pass || !*pass) return 0;
    if (secrets_get(sec, user_key, NULL) &&
        (rc = secrets_require_username(sec, user_key, &name, e)))
        return rc;
    return add(c, name, pass_key, pass, e);
}

static int add_derived(struct creds_set *c, const struct secrets *sec, const struct settings *s,
                       ri_err *e) {
    char user[SET_NAME_MAX], pass[256];
    int rc = secrets_probe_credentials(sec, user, sizeof user, pass, sizeof pass, e);
    if (!rc) rc = add(c, user, SECRET_PROBE_PASS, pass, e);
    if (!rc && s->tls != TLS_OFF && !(rc = secrets_reload_password(sec, pass, e)))
        rc = add(c, SECRET_RELOAD_USER, SECRET_ADMIN_PASS, pass, e);
    explicit_bzero(pass, sizeof pass);
    return rc;
}

int creds_collect(const struct secrets *sec, const struct settings *s, struct creds_set *out,
                  ri_err *e) {
    int rc;
    out->n = 0;
    if ((rc = add_required(out, sec, SECRET_ADMIN_USER, SECRET_ADMIN_PASS, e)) ||
        (rc = add_required(out, sec, SECRET_REPLICA_USER, SECRET_REPLICA_PASS, e)) ||
        (rc = add_required(out, sec, SECRET_SENTINEL_USER, SECRET_SENTINEL_PASS, e)) ||
        (rc = add_required(out, sec, SECRET_SYNC_USER, SECRET_SYNC_PASS, e)) ||
        (rc = add_required(out, sec, SECRET_SERVICE_USER, SECRET_SERVICE_PASS, e)))
        return rc;
    if (s->default_user_on) {
        const char *pass;
        if ((rc = secrets_require(sec, SECRET_DEFAULT_PASS, &pass, e)) ||
            (rc = add(out, "default", SECRET_DEFAULT_PASS, pass, e)))
            return rc;
    }
    if ((rc = add_derived(out, sec, s, e)) ||
        (rc = add_optional(out, sec, SECRET_WEBDIS_USER, SECRET_WEBDIS_PASS, WEBDIS_DEFAULT_USER,
                           e)) ||
        (rc = add_optional(out, sec, SECRET_EXPORTER_USER, SECRET_EXPORTER_PASS,
                           EXPORTER_DEFAULT_USER, e)))
        return rc;
    for (int i = 0; i < s->n_users; i++) {
        const char *pass;
        if ((rc = secrets_require(sec, s->users[i].secret_key, &pass, e)))
            return ri_prefix(e, "[acl] user %s", s->users[i].name);
        if ((rc = add(out, s->users[i].name, s->users[i].secret_key, pass, e))) return rc;
        out->u[out->n - 1].has_rules = 1;
        sha256(s->users[i].rules, strlen(s->users[i].rules), out->u[out->n - 1].rules);
    }
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct creds_user *)a)->name, ((const struct creds_user *)b)->name);
}

void creds_generation(const struct creds_set *c, char gen[CREDS_GEN_LEN + 1]) {
    struct creds_set sorted = *c;
    qsort(sorted.u, (size_t)sorted.n, sizeof sorted.u[0], by_name);
    sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, GEN_DOMAIN, sizeof GEN_DOMAIN - 1);
    for (int i = 0; i < sorted.n; i++) {
        sha256_update(&h, sorted.u[i].name, strlen(sorted.u[i].name) + 1);
        sha256_update(&h, sorted.u[i].hash, sizeof sorted.u[i].hash);
        /* Only [acl] users: the generations of the others stay as they were. */
        if (sorted.u[i].has_rules) sha256_update(&h, sorted.u[i].rules, sizeof sorted.u[i].rules);
    }
    unsigned char md[32];
    char hex[65];
    sha256_final(&h, md);
    hex_encode(md, sizeof md, hex);
    memcpy(gen, hex, CREDS_GEN_LEN);
    gen[CREDS_GEN_LEN] = '\0';
}

const struct creds_user *creds_find(const struct creds_set *c, const char *name) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->u[i].name, name) == 0) return &c->u[i];
    return NULL;
}

void creds_diff(const struct creds_set *old, const struct creds_set *new_, struct creds_diff *d) {
    d->n_changed = d->n_added = d->n_removed = d->n_rules = 0;
    for (int i = 0; i < new_->n; i++) {
        const struct creds_user *o = creds_find(old, new_->u[i].name), *u = &new_->u[i];
        if (!o) d->added[d->n_added++] = u->name;
        else if (memcmp(o->hash, u->hash, sizeof o->hash) != 0)
            d->changed[d->n_changed++] = u->name;
        else if (u->has_rules && (!o->has_rules || memcmp(o->rules, u->rules, sizeof o->rules)))
            d->rules[d->n_rules++] = u->name;
    }
    for (int i = 0; i < old->n; i++)
        if (!creds_find(new_, old->u[i].name)) d->removed[d->n_removed++] = old->u[i].name;
}

static size_t list(char *out, size_t outlen, size_t at, const char *head, const char *const *names,
                   int n) {
    for (int i = 0; i < n && at < outlen; i++) {
        int w = snprintf(out + at, outlen - at, "%s%s", i ? ", " : head, names[i]);
        if (w < 0 || (at += (size_t)w) >= outlen) return outlen; /* truncated: full */
    }
    return at;
}

void creds_diff_text(const struct creds_diff *d, char *out, size_t outlen) {
    size_t at = 0;
    if (!outlen) return;
    out[0] = '\0';
    at = list(out, outlen, at, "password changed for ", d->changed, d->n_changed);
    at = list(out, outlen, at, at ? "; rules changed for " : "rules changed for ", d->rules,
              d->n_rules);
    at = list(out, outlen, at, at ? "; added: " : "added: ", d->added, d->n_added);
    at = list(out, outlen, at, at ? "; removed: " : "removed: ", d->removed, d->n_removed);
    if (!at) snprintf(out, outlen, "no user changed");
}
