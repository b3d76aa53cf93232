/* consume.c: the agent module of the router and Webdis pods during a live
 * credential rotation (issue 21; docs/credentials.md "The router, Webdis
 * and the exporter"): they consume the passwords the members rotate.
 *
 * Webdis reads its password from webdis.json at start only. When the
 * mounted WEBDIS_USERNAME / WEBDIS_PASSWORD change (two reads agree), this
 * module waits until every server holds the new password (ACL GETUSER, as
 * `credentials status`), then writes webdis.json again and has the init
 * restart Webdis on it (it holds no data; its HTTP clients see their
 * connections closed once). Until then Webdis keeps the old password,
 * which every server still accepts.
 *
 * HAProxy's health check (router-check) logs in with the secrets mounted
 * in the router's own pod: the probe user on servers, the service user on
 * sentinels. The kubelet may update that mount up to its sync period
 * before the members take the new passwords, and a check that cannot log
 * in takes the master out of the router (fall 1). So this module keeps the
 * login keys last in effect, the fallback, in the conf dir's state file
 * (config/credstate.h: old_login, 0600), written at start: a member that
 * refuses the check's login is asked again with the fallback, with no
 * window between the kubelet's update and our noticing it. Every
 * CONSUME_MS it reads the secrets; when the keys we log in with change
 * (two reads agree), the fallback stays the previous ones until every
 * member answers with its marker done, holding the current passwords and
 * no other; then the fallback becomes the current ones.
 * Errors are logged, never fatal to HAProxy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "base/sha256.h"
#include "config/credstate.h"
#include "engine/creds_status.h"
#include "engine/webdis.h"

#define CONSUME_MS 1000

static const char *const webdis_keys[] = {SECRET_WEBDIS_USER, SECRET_WEBDIS_PASS, NULL};

struct consume {
    const char *const *keys;     /* the keys the program logs in with */
    struct secrets *held;        /* what the program logs in with now */
    unsigned char held_hash[32]; /* of its login keys */
    struct fs_settle pending;    /* a change read once: counts when read again */
    int rolling;                 /* the state file holds the previous login */
    char logged[200];
};

/* Log msg once (until another is logged). */
static void say(struct consume *m, const char *msg, const char *k, const char *v) {
    if (!strcmp(m->logged, msg)) return;
    snprintf(m->logged, sizeof m->logged, "%s", msg);
    log_warn(msg, k, v, NULL);
}

/* A hash of the keys the program logs in with. */
static void login_hash(const char *const *keys, const struct secrets *sec, unsigned char out[32]) {
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; keys[i]; i++) {
        const char *v = secrets_get(sec, keys[i], NULL);
        sha256_update(&c, keys[i], strlen(keys[i]) + 1);
        sha256_update(&c, v ? "=" : "-", 1);
        if (v) sha256_update(&c, v, strlen(v) + 1);
    }
    sha256_final(&c, out);
}

/* The state file: the fallback login, named by its keys' hash. */
static int record(const struct settings *s, const unsigned char h[32], const struct secrets *login,
                  ri_err *e) {
    struct creds_state st;
    char hex[65];
    memset(&st, 0, sizeof st);
    hex_encode(h, 32, hex);
    snprintf(st.gen, sizeof st.gen, "%.*s", CREDS_GEN_LEN, hex);
    st.phase = CREDS_ACCEPT;
    return credstate_write(s->conf_dir, &st, login, e);
}

static int consume_start(const struct agent_ctx *ctx, void **state) {
    const struct settings *s = ctx->cfg->s;
    struct creds_state st;
    ri_err e = {0};
    int router = ctx->cfg->app == APP_ROUTER;
    if ((ctx->cfg->app != APP_ROUTER && ctx->cfg->app != APP_WEBDIS) || !s->creds_live) return 1;
    struct consume *m = calloc(1, sizeof *m);
    if (!m) return 1;
    m->keys = router ? credstate_login_keys : webdis_keys;
    memset(&st, 0, sizeof st);
    if (secrets_load(&m->held, s->secrets_path, &e) ||
        (router && credstate_read(s->conf_dir, &st, &e))) {
        log_error("credentials: cannot follow the secrets; a change needs a restart", "error",
                  e.msg, NULL);
        secrets_free(m->held);
        free(m);
        return 1;
    }
    login_hash(m->keys, m->held, m->held_hash);
    *state = m;
    if (!router) return 0;
    if (st.old_login) { /* a fallback of another login: restarted in a rotation */
        unsigned char h[32];
        login_hash(m->keys, st.old_login, h);
        m->rolling = memcmp(h, m->held_hash, 32) != 0;
    }
    credstate_free(&st);
    if (!m->rolling && record(s, m->held_hash, m->held, &e))
        log_error("credentials: cannot keep the router's login; a rotation may take the master "
                  "out of the router until every member takes it",
                  "error", e.msg, NULL);
    return 0;
}

/* Every member answered, marks done, and holds the current passwords and no other. */
static int members_dropped(const struct settings *s, const struct secrets *sec) {
    struct creds_status *st = calloc(1, sizeof *st);
    ri_err e = {0};
    int ok = st && !creds_status_observe(s, sec, st, &e) && creds_status_exit(st) == 0;
    for (int i = 0; ok && i < st->n; i++) {
        ok = st->members[i].m.phase == CREDS_DONE;
        for (int u = 0; ok && u < st->set.n; u++) ok = st->members[i].others[u] == 0;
    }
    free(st);
    return ok;
}

/* Every server answered and holds Webdis's password of sec. */
static int servers_accept(const struct settings *s, const struct secrets *sec) {
    struct creds_status *st = calloc(1, sizeof *st);
    const char *user = secrets_get(sec, SECRET_WEBDIS_USER, NULL);
    ri_err e = {0};
    int ok = st && !creds_status_observe(s, sec, st, &e), u = -1;
    for (int k = 0; ok && k < st->set.n; k++)
        if (!strcmp(st->set.u[k].name, user ? user : WEBDIS_DEFAULT_USER)) u = k;
    ok = ok && u >= 0;
    for (int i = 0; ok && i < st->n; i++)
        if (!st->members[i].is_sentinel)
            ok = st->members[i].p.outcome == OUT_ANSWER && st->members[i].state[u] == CU_CURRENT;
    free(st);
    return ok;
}

/* The router: the check's fallback stays the login in effect before. */
static void router_new(struct consume *m, struct secrets *sec, const unsigned char h[32]) {
    secrets_free(m->held);
    m->held = sec;
    memcpy(m->held_hash, h, 32);
    m->pending.have = 0, m->rolling = 1, m->logged[0] = '\0';
    log_info("credentials: new secrets; the router's check falls back to the previous passwords "
             "until every member drops them",
             NULL);
}

/* Webdis: restarted on its new password once every server holds it. 0 when taken. */
static int webdis_new(const struct agent_ctx *ctx, struct consume *m, struct secrets *sec,
                      const unsigned char h[32]) {
    ri_err e = {0};
    if (!servers_accept(ctx->cfg->s, sec)) {
        say(m,
            "credentials: new secrets; Webdis keeps its password until every server holds "
            "the new one",
            NULL, NULL);
        return -1;
    }
    if (webdis_render(ctx->cfg->s, sec, &e)) {
        say(m, "credentials: cannot write webdis.json; Webdis keeps its password", "error", e.msg);
        return -1;
    }
    secrets_free(m->held);
    m->held = sec;
    memcpy(m->held_hash, h, 32);
    m->pending.have = 0, m->logged[0] = '\0';
    log_info("credentials: every server holds Webdis's new password; restarting Webdis on it",
             NULL);
    ctx->restart(ctx->owner);
    return 0;
}

static int consume_tick(const struct agent_ctx *ctx, void *state) {
    const struct settings *s = ctx->cfg->s;
    struct consume *m = state;
    struct secrets *sec = NULL;
    unsigned char h[32];
    ri_err e = {0};
    if (secrets_load(&sec, s->secrets_path, &e)) {
        say(m, "credentials: the secrets cannot be read; nothing changes", "reason", e.msg);
        return CONSUME_MS;
    }
    login_hash(m->keys, sec, h);
    if (memcmp(h, m->held_hash, 32) != 0) {
        if (fs_settled(&m->pending, h)) { /* else read it once more */
            if (ctx->cfg->app == APP_ROUTER) router_new(m, sec, h), sec = NULL;
            else if (!webdis_new(ctx, m, sec, h)) sec = NULL;
        }
    } else if (m->rolling && members_dropped(s, m->held)) {
        m->pending.have = 0;
        if (record(s, h, m->held, &e))
            say(m, "credentials: cannot forget the previous passwords; trying again", "error",
                e.msg);
        else {
            m->rolling = 0, m->logged[0] = '\0';
            log_info("credentials: every member dropped the previous passwords; the router's "
                     "check falls back to the current ones",
                     NULL);
        }
    } else m->pending.have = 0; /* back to what is in effect */
    secrets_free(sec);
    return CONSUME_MS;
}

static void consume_stop(void *state) {
    struct consume *m = state;
    if (!m) return;
    secrets_free(m->held);
    explicit_bzero(m, sizeof *m);
    free(m);
}

const struct agent_module agent_consume = {
    .name = "consume",
    .start = consume_start,
    .tick = consume_tick,
    .stop = consume_stop,
};
