/* render_acl.c: the users.acl of a server or a sentinel (render_acl_users in
 * render.h): one line per user, its password only as a #sha256 hash, every
 * user name used by one role only. */
#include <stdio.h>
#include <string.h>

#include "config/acl.h"
#include "config/credstate.h"
#include "engine/render.h"

static int oom(ri_err *e) { return ri_fail(e, EX_OSERR, "out of memory while rendering"); }

#define MAX_USERS (9 + SET_LIST_MAX) /* with the rotation marker */

struct acl_builder {
    struct tmpl_ctx *ctx;
    const struct secrets *sec;
    const struct creds_state *cs; /* a rotation in accept or use: old hashes kept; else NULL */
    const char *names[MAX_USERS];
    const char *keys[MAX_USERS];
    int n;
    char probe_name[SET_NAME_MAX]; /* storage for the probe user's name */
};

/* "#new #old" when the rotation's previous generation gave name another
 * password; else auth ("#new") as it is. */
static const char *with_old_hash(const struct creds_state *cs, const char *name, const char *auth,
                                 char out[2 * 66]) {
    const struct creds_user *u = creds_find(&cs->old_users, name);
    char old[66];
    if (!u) return auth;
    acl_hash_rule(u->hash, old);
    if (strcmp(old, auth) == 0) return auth;
    snprintf(out, 2 * 66, "%s %s", auth, old);
    return out;
}

static int add_user_line(struct acl_builder *b, const char *name, const char *name_key,
                         const char *state, const char *auth, const char *rules, ri_err *e) {
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->names[i], name) == 0)
            return ri_fail(
                e, EX_DATAERR,
                "%s: user name \"%s\" of %s is also used by %s; each role needs its own user",
                secrets_origin(b->sec), name, name_key, b->keys[i]);
    if (b->n == MAX_USERS) return ri_fail(e, EX_CONFIG, "too many ACL users");
    b->names[b->n] = name;
    b->keys[b->n++] = name_key;
    char both[2 * 66];
    if (b->cs && auth[0] == '#') auth = with_old_hash(b->cs, name, auth, both);
    struct tmpl_ctx *u = tmpl_add_item(b->ctx, "users");
    if (!u || tmpl_set(u, "name", name) || tmpl_set(u, "state", state) ||
        tmpl_set(u, "auth", auth) || tmpl_set(u, "rules", rules))
        return oom(e);
    return 0;
}

/* One enabled user whose name and password come from secret keys. */
static int add_secret_user(struct acl_builder *b, const char *user_key, const char *pass_key,
                           const char *rules, ri_err *e) {
    const char *name, *pass;
    int rc = secrets_require_username(b->sec, user_key, &name, e);
    if (!rc) rc = secrets_require(b->sec, pass_key, &pass, e);
    if (rc) return rc;
    char hash[66];
    acl_hash(pass, strlen(pass), hash);
    return add_user_line(b, name, user_key, "on", hash, rules, e);
}

static int add_default_user(struct acl_builder *b, const struct settings *s, ri_err *e) {
    if (!s->default_user_on)
        return add_user_line(b, "default", "the built-in default user", "off", "resetpass",
                             "resetkeys resetchannels -@all", e);
    const char *pass;
    int rc = secrets_require(b->sec, SECRET_DEFAULT_PASS, &pass, e);
    if (rc) return ri_prefix(e, "[acl] default-user = on needs it");
    char hash[66];
    acl_hash(pass, strlen(pass), hash);
    return add_user_line(b, "default", SECRET_DEFAULT_PASS, "on", hash, ACL_RULES_SERVICE, e);
}

/* The least-privilege user of `check`, `prestop` and discovery probes; its
 * password may be derived, so it is wiped after hashing. */
static int add_probe_user(struct acl_builder *b, const char *rules, ri_err *e) {
    char pass[256], hash[66];
    int rc = secrets_probe_credentials(b->sec, b->probe_name, sizeof b->probe_name, pass,
                                       sizeof pass, e);
    if (!rc) {
        acl_hash(pass, strlen(pass), hash);
        rc = add_user_line(b, b->probe_name, SECRET_PROBE_USER, "on", hash, rules, e);
    }
    explicit_bzero(pass, sizeof pass);
    return rc;
}

/* A user that exists only when its password is in the secrets (Webdis's,
 * the exporter's); its name defaults to def_name. */
static int add_optional_user(struct acl_builder *b, const char *user_key, const char *pass_key,
                             const char *def_name, const char *rules, ri_err *e) {
    const char *name = def_name, *pass = secrets_get(b->sec, pass_key, NULL);
    char hash[66];
    int rc;
    if (!pass || !*pass) return 0;
    if (secrets_get(b->sec, user_key, NULL) &&
        (rc = secrets_require_username(b->sec, user_key, &name, e)))
        return rc;
    acl_hash(pass, strlen(pass), hash);
    return add_user_line(b, name, user_key, "on", hash, rules, e);
}

static int add_webdis_user(struct acl_builder *b, ri_err *e) {
    char rules[512];
    if (acl_webdis_rules(rules, sizeof rules))
        return ri_fail(e, EX_SOFTWARE, "webdis rules too long");
    return add_optional_user(b, SECRET_WEBDIS_USER, SECRET_WEBDIS_PASS, WEBDIS_DEFAULT_USER, rules,
                             e);
}

static int build_redis_users(struct acl_builder *b, const struct settings *s, ri_err *e) {
    int rc;
    if ((rc = add_default_user(b, s, e)) ||
        (rc = add_secret_user(b, SECRET_ADMIN_USER, SECRET_ADMIN_PASS, ACL_RULES_ADMIN, e)) ||
        (rc = add_secret_user(b, SECRET_REPLICA_USER, SECRET_REPLICA_PASS, ACL_RULES_REPLICA, e)) ||
        (rc = add_secret_user(b, SECRET_SENTINEL_USER, SECRET_SENTINEL_PASS, ACL_RULES_SENTINEL,
                              e)) ||
        (rc = add_secret_user(b, SECRET_SERVICE_USER, SECRET_SERVICE_PASS, ACL_RULES_SERVICE, e)))
        return rc;
    if ((rc = add_probe_user(b, ACL_RULES_PROBE, e))) return rc;
    char hash[66];
    if (s->tls != TLS_OFF) {
        char pass[65];
        if ((rc = secrets_reload_password(b->sec, pass, e))) return rc;
        acl_hash(pass, strlen(pass), hash);
        explicit_bzero(pass, sizeof pass);
        if ((rc = add_user_line(b, SECRET_RELOAD_USER, "the agent's certificate reload", "on", hash,
                                ACL_RULES_RELOAD, e)))
            return rc;
    }
    if ((rc = add_webdis_user(b, e)) ||
        (rc = add_optional_user(b, SECRET_EXPORTER_USER, SECRET_EXPORTER_PASS,
                                EXPORTER_DEFAULT_USER, ACL_RULES_EXPORTER, e)))
        return rc;
    for (int i = 0; i < s->n_users; i++) {
        const struct acl_extra_user *u = &s->users[i];
        const char *pass;
        if ((rc = acl_check_rules(u->name, u->rules, e))) return rc;
        if ((rc = secrets_require(b->sec, u->secret_key, &pass, e)))
            return ri_prefix(e, "[acl] user %s", u->name);
        acl_hash(pass, strlen(pass), hash);
        if ((rc = add_user_line(b, u->name, u->secret_key, "on", hash, u->rules, e))) return rc;
    }
    return 0;
}

static int build_sentinel_users(struct acl_builder *b, const struct settings *s, ri_err *e) {
    int rc, vk = s->flavour == FLAVOUR_VALKEY;
    const char *peer =
        vk ? ACL_RULES_SENTINEL_PEER ACL_RULES_SENTINEL_PEER_VALKEY : ACL_RULES_SENTINEL_PEER;
    const char *client =
        vk ? ACL_RULES_SENTINEL_CLIENT ACL_RULES_SENTINEL_CLIENT_VALKEY : ACL_RULES_SENTINEL_CLIENT;
    const char *discovery = vk ? ACL_RULES_SENTINEL_DISCOVERY ACL_RULES_SENTINEL_DISCOVERY_VALKEY
                               : ACL_RULES_SENTINEL_DISCOVERY;
    rc = strcmp(s->sentinel_default_user, "discovery")
             ? add_user_line(b, "default", "the built-in default user", "off", "resetpass",
                             "resetkeys resetchannels -@all", e)
             : add_user_line(b, "default", "the built-in default user", "on", "nopass", discovery,
                             e);
    if (rc || (rc = add_secret_user(b, SECRET_ADMIN_USER, SECRET_ADMIN_PASS, ACL_RULES_ADMIN, e)) ||
        (rc = add_secret_user(b, SECRET_SYNC_USER, SECRET_SYNC_PASS, peer, e)))
        return rc;
    if ((rc = add_secret_user(b, SECRET_SERVICE_USER, SECRET_SERVICE_PASS, client, e)) ||
        (rc = add_optional_user(b, SECRET_EXPORTER_USER, SECRET_EXPORTER_PASS,
                                EXPORTER_DEFAULT_USER, ACL_RULES_SENTINEL_EXPORTER, e)))
        return rc;
    return add_probe_user(b, ACL_RULES_SENTINEL_PROBE, e);
}

/* The marker user records this pod's phase for the others (off, no
 * password, no command: nobody logs in as it). */
static int add_marker(struct acl_builder *b, const struct creds_state *cs, ri_err *e) {
    char rules[160] = "resetkeys -@all ";
    size_t n = strlen(rules);
    if (creds_marker_rules(cs->gen, cs->phase, 0, rules + n, sizeof rules - n))
        return ri_fail(e, EX_DATAERR, "the credential state's generation is malformed");
    return add_user_line(b, CREDS_MARKER_USER, "the rotation marker", "off", "resetpass", rules, e);
}

int render_acl_users(struct tmpl_ctx *acl, const struct settings *s, const struct secrets *sec,
                     const struct creds_state *cs, int sentinel, ri_err *e) {
    int rotating = cs && cs->gen[0] && (cs->phase == CREDS_ACCEPT || cs->phase == CREDS_USE);
    struct acl_builder b = {.ctx = acl, .sec = sec, .cs = rotating ? cs : NULL};
    int rc = sentinel ? build_sentinel_users(&b, s, e) : build_redis_users(&b, s, e);
    if (!rc && cs && cs->gen[0] && cs->phase != CREDS_NONE) rc = add_marker(&b, cs, e);
    return rc;
}

int render_acl_file(const struct settings *s, const struct secrets *sec,
                    const struct creds_state *cs, int sentinel, struct rendered *out, ri_err *e) {
    struct tmpl_ctx *acl = tmpl_ctx_new();
    int rc = acl ? 0 : oom(e);
    rendered_init(out);
    if (!rc) rc = render_acl_users(acl, s, sec, cs, sentinel, e);
    if (!rc)
        rc = render_template(s, sentinel ? "sentinel-users.acl" : "redis-users.acl", acl,
                             &out->bufs[0], e);
    tmpl_ctx_free(acl);
    if (!rc && buf_append(&out->bufs[0], "", 1)) rc = oom(e);
    if (rc) {
        rendered_free(out);
        return rc;
    }
    out->bufs[0].len--; /* NUL-terminated, not counted */
    rendered_add_file(out, "users.acl", 0600);
    return 0;
}
