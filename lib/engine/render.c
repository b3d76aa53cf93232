/* render.c: build template contexts from settings, secrets and the role,
 * render the templates, and hand the bytes to fsutil. */
#include "engine/render.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/quote.h"
#include "base/sha256.h"
#include "config/credstate.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

#define TEMPLATE_MAX_BYTES (1u << 20)

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

static int oom(ri_err *e) { return ri_fail(e, EX_OSERR, "out of memory while rendering"); }

int render_set_quoted(struct tmpl_ctx *c, const char *name, render_quote_fn quote, const char *val,
                      ri_err *e) {
    size_t len = strlen(val), cap = 4 * len + 3;
    char *q = malloc(cap);
    if (!q) return oom(e);
    int rc = 0;
    if (quote(val, len, q, cap) < 0) rc = ri_fail(e, EX_CONFIG, "cannot quote %s", name);
    else if (tmpl_set(c, name, q)) rc = oom(e);
    explicit_bzero(q, cap);
    free(q);
    return rc;
}

/* Set name to the config-quoted form of val (conf_quote() cannot fail here:
 * the buffer fits any input, and a strlen()-bounded string holds no NUL). */
static int set_quoted(struct tmpl_ctx *c, const char *name, const char *val, ri_err *e) {
    return render_set_quoted(c, name, conf_quote, val, e);
}

/* Where an outbound credential comes from: in a rotation's accept phase
 * the previous generation's (every member accepts it; the new one only
 * once each has taken the Secret), else the secrets'. */
static const struct secrets *outbound(const struct secrets *sec, const struct creds_state *cs,
                                      const char *key) {
    if (cs && cs->phase == CREDS_ACCEPT && cs->old_login && secrets_get(cs->old_login, key, NULL))
        return cs->old_login;
    return sec;
}

/* Set name to the config-quoted form of secret key. */
static int set_quoted_secret(struct tmpl_ctx *c, const char *name, const struct secrets *sec,
                             const char *key, ri_err *e) {
    const char *val;
    int rc = secrets_require(sec, key, &val, e);
    return rc ? rc : set_quoted(c, name, val, e);
}

static int set_abs_path(struct tmpl_ctx *c, const char *name, const char *dir, const char *file,
                        ri_err *e) {
    char abs[PATH_MAX], full[PATH_MAX];
    int rc = fs_absolute(dir, abs, sizeof abs, e);
    if (rc) return rc;
    if (file && (rc = fs_join(full, sizeof full, abs, file, e))) return rc;
    return set_quoted(c, name, file ? full : abs, e);
}

void render_sentinel_myid(const char *own_host, char out[41]) {
    static const char domain[] = "redis-init sentinel myid\n";
    unsigned char md[32];
    char hex[65];
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, domain, sizeof domain - 1);
    sha256_update(&c, own_host, strlen(own_host));
    sha256_final(&c, md);
    hex_encode(md, 32, hex);
    memcpy(out, hex, 40);
    out[40] = '\0';
}

/* ---------------------------------------------------------------------------
 * Templates
 * ------------------------------------------------------------------------ */

int render_template(const struct settings *s, const char *name, const struct tmpl_ctx *c,
                    struct buf *out, ri_err *e) {
    char path[PATH_MAX], file[128];
    struct file_data text = {0};
    size_t len = 0;
    const char *src = NULL;
    snprintf(file, sizeof file, "%s.tmpl", name);
    if (s->templates_dir[0]) {
        int rc = fs_join(path, sizeof path, s->templates_dir, file, e);
        if (rc) return rc;
        if (fs_is_dir(path) == -1) {
            log_debug("template not in templates dir, using built-in", "file", path, NULL);
        } else {
            if ((rc = fs_read_file(path, "template", TEMPLATE_MAX_BYTES, 0, &text, e))) return rc;
            src = text.data;
            len = text.len;
        }
    }
    if (!src) {
        src = tmpl_builtin(name, &len);
        snprintf(path, sizeof path, "built-in %s", file);
        if (!src) return ri_fail(e, EX_SOFTWARE, "no built-in template %s", file);
    }
    int rc = tmpl_render(src, len, path, c, out, e);
    fs_file_free(&text);
    return rc;
}

int rendered_add_file(struct rendered *r, const char *name, mode_t mode) {
    struct out_file *f = &r->files[r->n];
    f->name = name;
    f->data = r->bufs[r->n].data ? r->bufs[r->n].data : "";
    f->len = r->bufs[r->n].len;
    f->mode = mode;
    r->n++;
    return 0;
}

void rendered_init(struct rendered *r) {
    memset(r, 0, sizeof *r);
    for (int i = 0; i < RENDER_MAX_FILES; i++) buf_init(&r->bufs[i]);
}

void rendered_free(struct rendered *r) {
    for (int i = 0; i < RENDER_MAX_FILES; i++) buf_free(&r->bufs[i]);
    memset(r, 0, sizeof *r);
}

int render_commit(const struct settings *s, const struct rendered *r, ri_err *e) {
    return fs_write_files(s->conf_dir, r->files, r->n, e);
}

int render_json_file(const char *dir, const char *name, mode_t mode, json_t *doc, ri_err *e) {
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text) return ri_fail(e, EX_OSERR, "out of memory building %s", name);
    size_t len = strlen(text);
    struct buf b;
    int rc = 0;
    buf_init(&b);
    if (buf_append(&b, text, len) || buf_append(&b, "\n", 1))
        rc = ri_fail(e, EX_OSERR, "out of memory");
    explicit_bzero(text, len);
    free(text);
    if (!rc) {
        struct out_file f = {name, b.data, b.len, mode};
        rc = fs_write_files(dir, &f, 1, e);
    }
    buf_free(&b);
    return rc;
}

/* ---------------------------------------------------------------------------
 * redis.conf + users.acl
 * ------------------------------------------------------------------------ */

static const char *const persistence_names[] = {"hybrid", "aof", "rdb", "none"};

static int redis_persistence(struct tmpl_ctx *c, const struct settings *s, ri_err *e) {
    int aof = s->persistence == PERSIST_HYBRID || s->persistence == PERSIST_AOF;
    int rdb = s->persistence == PERSIST_HYBRID || s->persistence == PERSIST_RDB;
    /* save was validated as pairs of numbers when it was set (chk_save). */
    if (tmpl_set(c, "persistence", persistence_names[s->persistence]) ||
        tmpl_set(c, "appendonly", aof ? "yes" : "no") ||
        tmpl_set(c, "rdb_preamble", s->persistence == PERSIST_HYBRID ? "yes" : "no") ||
        tmpl_set(c, "appendfsync", s->appendfsync) ||
        tmpl_set(c, "save", rdb && s->save[0] ? s->save : "\"\""))
        return oom(e);
    return 0;
}

static int redis_lists(struct tmpl_ctx *c, const struct settings *s, ri_err *e) {
    if (tmpl_set_list(c, "loadmodule") || tmpl_set_list(c, "directive")) return oom(e);
    for (int i = 0; i < s->n_loadmodule; i++) {
        struct tmpl_ctx *it = tmpl_add_item(c, "loadmodule");
        if (!it || tmpl_set(it, "line", s->loadmodule[i])) return oom(e);
    }
    for (int i = 0; i < s->n_directive; i++) {
        struct tmpl_ctx *it = tmpl_add_item(c, "directive");
        if (!it || tmpl_set(it, "line", s->directive[i])) return oom(e);
    }
    return 0;
}

static int redis_role(struct tmpl_ctx *c, const struct role_target *role, ri_err *e) {
    if (tmpl_set_list(c, "replicaof") || tmpl_set(c, "rule", role->rule ? role->rule : "override"))
        return oom(e);
    if (role->action == ACT_MASTER) return 0;
    if (role->action != ACT_FOLLOW)
        return ri_fail(e, EX_SOFTWARE, "cannot render redis.conf for action %s",
                       action_name(role->action));
    struct tmpl_ctx *it = tmpl_add_item(c, "replicaof");
    if (!it || tmpl_setf(it, "port", "%d", role->port)) return oom(e);
    return set_quoted(it, "host", role->host, e);
}

static int redis_context(struct tmpl_ctx *c, const struct settings *s, const struct secrets *sec,
                         const struct creds_state *cs, const struct role_target *role, ri_err *e) {
    char own[SET_HOST_MAX];
    int fence = s->min_replicas_to_write >= 0 ? s->min_replicas_to_write : (s->redis_replicas > 1);
    int rc;
    if ((rc = settings_own_host(s, 0, own, sizeof own, e))) return rc;
    if (tmpl_set(c, "version", RI_VERSION) || tmpl_set(c, "pod", s->pod_name) ||
        tmpl_setf(c, "port", "%d", s->redis_port) || tmpl_set(c, "bind", s->bind) ||
        tmpl_setf(c, "replica_priority", "%d", s->replica_priority) ||
        tmpl_setf(c, "min_replicas_to_write", "%d", fence) ||
        tmpl_setf(c, "min_replicas_max_lag", "%d", s->min_replicas_max_lag))
        return oom(e);
    if ((rc = set_abs_path(c, "data_dir", s->data_dir, NULL, e)) ||
        (rc = set_abs_path(c, "aclfile", s->conf_dir, "users.acl", e)) ||
        (rc = set_quoted(c, "announce_host", own, e)) || (rc = redis_persistence(c, s, e)) ||
        (rc = redis_lists(c, s, e)) || (rc = redis_role(c, role, e)) ||
        (rc = render_tls_context(c, s, 0, e)))
        return rc;
    const char *masteruser;
    if ((rc = secrets_require_username(outbound(sec, cs, SECRET_REPLICA_USER), SECRET_REPLICA_USER,
                                       &masteruser, e)) ||
        (rc = set_quoted(c, "masteruser", masteruser, e)))
        return rc;
    return set_quoted_secret(c, "masterauth", outbound(sec, cs, SECRET_REPLICA_PASS),
                             SECRET_REPLICA_PASS, e);
}

int render_redis(const struct settings *s, const struct secrets *sec, const struct creds_state *cs,
                 const struct role_target *role, struct rendered *out, ri_err *e) {
    struct tmpl_ctx *conf = tmpl_ctx_new(), *acl = tmpl_ctx_new();
    int rc = (!conf || !acl) ? oom(e) : 0;
    rendered_init(out);
    if (!rc) rc = redis_context(conf, s, sec, cs, role, e);
    if (!rc) rc = render_acl_users(acl, s, sec, cs, 0, e);
    if (!rc) rc = render_template(s, "redis.conf", conf, &out->bufs[0], e);
    if (!rc) rc = render_template(s, "redis-users.acl", acl, &out->bufs[1], e);
    tmpl_ctx_free(conf);
    tmpl_ctx_free(acl);
    if (rc) {
        rendered_free(out);
        return rc;
    }
    rendered_add_file(out, "redis.conf", 0600);
    rendered_add_file(out, "users.acl", 0600);
    return 0;
}

/* ---------------------------------------------------------------------------
 * sentinel.conf + users.acl
 * ------------------------------------------------------------------------ */

/* known-sentinel / known-replica: every configured peer but this sentinel
 * and the master it monitors. */
static int sentinel_known_peers(struct tmpl_ctx *c, const struct settings *s, const char *own,
                                const struct role_target *role, ri_err *e) {
    char host[SET_HOST_MAX], runid[41];
    int rc = tmpl_set_list(c, "known_sentinels") || tmpl_set_list(c, "known_replicas") ? oom(e) : 0;
    for (int i = 0; !rc && i < s->sentinel_replicas; i++) {
        if ((rc = settings_host(s, s->sentinel_service, i, host, sizeof host, e))) break;
        if (host_equal(host, own)) continue;
        render_sentinel_myid(host, runid);
        struct tmpl_ctx *it = tmpl_add_item(c, "known_sentinels");
        if (!it || tmpl_setf(it, "port", "%d", s->sentinel_port) || tmpl_set(it, "runid", runid))
            return oom(e);
        rc = set_quoted(it, "host", host, e);
    }
    for (int i = 0; !rc && i < s->redis_replicas; i++) {
        if ((rc = settings_host(s, s->redis_service, i, host, sizeof host, e))) break;
        if (host_equal(host, role->host) && s->redis_port == role->port) continue;
        struct tmpl_ctx *it = tmpl_add_item(c, "known_replicas");
        if (!it || tmpl_setf(it, "port", "%d", s->redis_port)) return oom(e);
        rc = set_quoted(it, "host", host, e);
    }
    return rc;
}

static int sentinel_context(struct tmpl_ctx *c, const struct settings *s, const struct secrets *sec,
                            const struct creds_state *cs, const struct role_target *role,
                            ri_err *e) {
    char own[SET_HOST_MAX], myid[41];
    const char *user;
    int rc;
    if (role->action != ACT_MONITOR)
        return ri_fail(e, EX_SOFTWARE, "cannot render sentinel.conf for action %s",
                       action_name(role->action));
    /* Sentinel pings a master it just switched to only after its 1 s ping
     * period, and counts down-after from the switch (docs/resilience.md). */
    if (s->down_after_ms < 1500) {
        char ms[24];
        log_warn("down-after is within Sentinel's 1 s ping period: a freshly promoted master may "
                 "be flagged down before its first PING is answered and failed over again while "
                 "it takes writes, which loses acknowledged writes",
                 "down_after_ms", log_int(ms, s->down_after_ms), "advice", ">= 1500", NULL);
    }
    if ((rc = settings_own_host(s, 1, own, sizeof own, e))) return rc;
    render_sentinel_myid(own, myid);
    if (tmpl_set(c, "version", RI_VERSION) || tmpl_set(c, "pod", s->pod_name) ||
        tmpl_setf(c, "port", "%d", s->sentinel_port) || tmpl_set(c, "bind", s->bind) ||
        tmpl_set(c, "myid", myid) || tmpl_set(c, "master_name", s->master_name) ||
        tmpl_setf(c, "master_port", "%d", role->port) ||
        tmpl_setf(c, "quorum", "%d", settings_quorum(s)) ||
        tmpl_setf(c, "down_after", "%d", s->down_after_ms) ||
        tmpl_setf(c, "failover_timeout", "%d", s->failover_timeout_ms) ||
        tmpl_setf(c, "parallel_syncs", "%d", s->parallel_syncs) ||
        tmpl_set(c, "rule", role->rule ? role->rule : "override"))
        return oom(e);
    if ((rc = set_abs_path(c, "conf_dir", s->conf_dir, NULL, e)) ||
        (rc = set_abs_path(c, "aclfile", s->conf_dir, "users.acl", e)) ||
        (rc = set_quoted(c, "announce_host", own, e)) ||
        (rc = set_quoted(c, "master_host", role->host, e)) || (rc = render_tls_context(c, s, 1, e)))
        return rc;
    if ((rc = secrets_require_username(outbound(sec, cs, SECRET_SYNC_USER), SECRET_SYNC_USER, &user,
                                       e)) ||
        (rc = set_quoted(c, "sentinel_user", user, e)) ||
        (rc = set_quoted_secret(c, "sentinel_pass", outbound(sec, cs, SECRET_SYNC_PASS),
                                SECRET_SYNC_PASS, e)) ||
        (rc = secrets_require_username(outbound(sec, cs, SECRET_SENTINEL_USER),
                                       SECRET_SENTINEL_USER, &user, e)) ||
        (rc = set_quoted(c, "auth_user", user, e)))
        return rc;
    if ((rc = set_quoted_secret(c, "auth_pass", outbound(sec, cs, SECRET_SENTINEL_PASS),
                                SECRET_SENTINEL_PASS, e)))
        return rc;
    return sentinel_known_peers(c, s, own, role, e);
}

int render_sentinel(const struct settings *s, const struct secrets *sec,
                    const struct creds_state *cs, const struct role_target *role,
                    struct rendered *out, ri_err *e) {
    struct tmpl_ctx *conf = tmpl_ctx_new(), *acl = tmpl_ctx_new();
    int rc = (!conf || !acl) ? oom(e) : 0;
    rendered_init(out);
    if (!rc) rc = sentinel_context(conf, s, sec, cs, role, e);
    if (!rc) rc = render_acl_users(acl, s, sec, cs, 1, e);
    if (!rc) rc = render_template(s, "sentinel.conf", conf, &out->bufs[0], e);
    if (!rc) rc = render_template(s, "sentinel-users.acl", acl, &out->bufs[1], e);
    tmpl_ctx_free(conf);
    tmpl_ctx_free(acl);
    if (rc) {
        rendered_free(out);
        return rc;
    }
    rendered_add_file(out, "sentinel.conf", 0600);
    rendered_add_file(out, "users.acl", 0600);
    return 0;
}
