/* creds.c: the agent module that applies a changed Secret's passwords and
 * users with no restart (issue 21; docs/credentials.md).
 *
 * Every CREDS_MS it loads [paths] secrets and computes their generation
 * (config/creds.h: names and password hashes; other keys do not count).
 * A new generation counts once two reads agree (a Secret written key by
 * key settles), and only if it renders: a malformed or partial Secret is
 * refused with one line, once, and nothing changes. Then, each tick, the
 * rotation's next step for this pod (engine/creds_roll.h): accept both
 * passwords, use the new, drop the old, each only when every member says
 * so in its ACL. After "use" the agent's modules speak the new passwords.
 *
 * At start it resumes a rotation its state file records; a pod that starts
 * on secrets with no rotation recorded for them holds only those and says
 * so (marker done). A newer Secret during a rotation waits for it to end.
 * Errors are logged, never fatal to the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/log.h"
#include "config/credstate.h"
#include "engine/creds_roll.h"
#include "engine/exporter.h"
#include "engine/render.h"
#include "engine/role.h"

#define CREDS_MS        1000  /* how often the secrets are read */
#define SETTLE_QUIET_MS 30000 /* a server loading its data may refuse us this long unsaid */

struct creds_mod {
    int64_t grace_ms;                /* [credentials] grace and drop, as last read: */
    int drop_by_command;             /* they apply at once, mid-rotation too */
    char cur[CREDS_GEN_LEN + 1];     /* the generation in effect */
    char pending[CREDS_GEN_LEN + 1]; /* a new one read once: counts when read again */
    char refused[CREDS_GEN_LEN + 1]; /* the last one refused, logged once */
    char logged[300];                /* the last line logged about waiting or failing */
    int settled;                     /* this pod's marker says cur is done here */
    int active;                      /* a rotation runs: roll */
    struct creds_roll roll;
    struct settings *s_new; /* settings read again whose [acl] users changed (owned), or NULL */
};

static void say(struct creds_mod *m, int warn, const char *msg, const char *k, const char *v);

/* The settings the rotation renders with: read again when their [acl]
 * users changed, until the agent takes them (phase use). */
static const struct settings *settings_of(const struct agent_ctx *ctx, const struct creds_mod *m) {
    return m->s_new ? m->s_new : ctx->cfg->s;
}

static int users_differ(const struct settings *a, const struct settings *b) {
    if (a->n_users != b->n_users) return 1;
    for (int i = 0; i < a->n_users; i++)
        if (strcmp(a->users[i].name, b->users[i].name) ||
            strcmp(a->users[i].secret_key, b->users[i].secret_key) ||
            strcmp(a->users[i].rules, b->users[i].rules))
            return 1;
    return 0;
}

/* [credentials] grace and drop from s: the rotation's end follows them live. */
static void policy(struct creds_mod *m, const struct settings *s) {
    m->grace_ms = s->creds_grace_ms;
    m->drop_by_command = strcmp(s->creds_drop, "command") == 0;
}

/* The settings read again (cfg->load_settings): *out is NULL when their
 * [acl] users are as the agent's, else the new settings (the caller frees
 * them). -1 when they cannot be read (logged once). */
static int reread_settings(const struct agent_ctx *ctx, struct creds_mod *m,
                           struct settings **out) {
    ri_err e = {0};
    *out = NULL;
    if (!ctx->cfg->load_settings) return 0;
    struct settings *ns = malloc(sizeof *ns);
    if (!ns || ctx->cfg->load_settings(ctx->cfg->load_arg, ns, &e)) {
        say(m, 1, "credentials: the settings are refused; the cluster keeps its users", "reason",
            ns ? e.msg : "out of memory");
        free(ns);
        return -1;
    }
    policy(m, ns);
    if (users_differ(ctx->cfg->s, ns)) *out = ns;
    else free(ns);
    return 0;
}

/* Log msg unless it is what was logged last. */
static void say(struct creds_mod *m, int warn, const char *msg, const char *k, const char *v) {
    char key[sizeof m->logged];
    snprintf(key, sizeof key, "%s|%s", msg, v ? v : "");
    if (!strcmp(key, m->logged)) return;
    snprintf(m->logged, sizeof m->logged, "%s", key);
    if (warn) log_warn(msg, k, v, "generation", m->roll.gen[0] ? m->roll.gen : m->cur, NULL);
    else log_info(msg, k, v, "generation", m->roll.gen[0] ? m->roll.gen : m->cur, NULL);
}

static int gen_of(const struct settings *s, const struct secrets *sec, struct creds_set *set,
                  char gen[CREDS_GEN_LEN + 1], ri_err *e) {
    int rc = creds_collect(sec, s, set, e);
    if (!rc) creds_generation(set, gen);
    return rc;
}

/* Resume the rotation the state file records, when the secrets mounted now
 * are its new generation. Read from the mount, not the agent's copy: after
 * the server alone restarted (a step-down), the agent may still hold the
 * old generation's. */
static int resume(const struct agent_ctx *ctx, struct creds_mod *m, struct creds_state *st) {
    const struct agent_config *cfg = ctx->cfg;
    struct creds_roll *r = &m->roll;
    struct settings *ns = NULL;
    char gen[CREDS_GEN_LEN + 1] = "";
    ri_err e = {0};
    if (reread_settings(ctx, m, &ns)) return 1;
    int rc = secrets_load(&r->to, cfg->s->secrets_path, &e);
    if (!rc) rc = gen_of(ns ? ns : cfg->s, r->to, &r->new_users, gen, &e);
    if (rc || strcmp(gen, st->gen) != 0) {
        if (rc) log_error("credentials: cannot resume the rotation", "error", e.msg, NULL);
        else
            log_warn("credentials: the secrets changed again while this pod was down in a "
                     "rotation; nothing is applied here until the secrets are those of the "
                     "rotation recorded (see credentials status) and the pod restarts",
                     "recorded", st->gen, "secrets", gen, NULL);
        free(ns);
        creds_roll_free(r);
        return 1;
    }
    snprintf(r->gen, sizeof r->gen, "%s", st->gen);
    r->own = st->phase;
    r->old_users = st->old_users;
    r->old_login = st->old_login;
    st->old_login = NULL;
    m->s_new = ns;
    m->active = m->settled = 1;
    log_info("credentials: resuming the rotation recorded here", "generation", r->gen, "phase",
             creds_phase_name(r->own), NULL);
    return 0;
}

static int creds_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    struct creds_set set;
    struct creds_state st;
    ri_err e = {0};
    if (!cfg->s->creds_live || cfg->app) return 1;
    struct creds_mod *m = calloc(1, sizeof *m);
    if (!m) return 1;
    policy(m, cfg->s);
    int rc = gen_of(cfg->s, cfg->sec, &set, m->cur, &e);
    if (!rc) rc = role_credstate(cfg->s, cfg->is_sentinel, &st, &e);
    if (rc) {
        log_error("credentials: cannot follow the secrets; a change needs a restart", "error",
                  e.msg, NULL);
        free(m);
        return 1;
    }
    if (st.phase == CREDS_ACCEPT || st.phase == CREDS_USE) rc = resume(ctx, m, &st);
    else m->settled = st.phase == CREDS_DONE && !strcmp(st.gen, m->cur);
    credstate_free(&st);
    if (rc) {
        free(m);
        return 1;
    }
    *state = m;
    return 0;
}

/* A new generation read twice and rendered: the rotation starts. */
static void begin(const struct agent_ctx *ctx, struct creds_mod *m, struct secrets *to,
                  struct settings *ns, const struct creds_set *set, const char *gen) {
    const struct agent_config *cfg = ctx->cfg;
    struct creds_roll *r = &m->roll;
    struct creds_diff d;
    ri_err e = {0};
    memset(r, 0, sizeof *r);
    if (creds_collect(cfg->sec, cfg->s, &r->old_users, &e) ||
        !(r->old_login = secrets_dup(cfg->sec, &e))) {
        log_error("credentials: cannot start the rotation", "error", e.msg, NULL);
        secrets_free(to);
        free(ns);
        creds_roll_free(r);
        return;
    }
    m->s_new = ns;
    snprintf(r->gen, sizeof r->gen, "%s", gen);
    r->new_users = *set;
    r->to = to;
    m->active = 1;
    m->pending[0] = '\0';
    char what[512];
    creds_diff(&r->old_users, &r->new_users, &d);
    creds_diff_text(&d, what, sizeof what);
    log_info("credentials: new secrets", "generation", gen, "change", what, NULL);
}

/* Read the secrets (and the settings); a settled new generation begins a
 * rotation. */
static void look(const struct agent_ctx *ctx, struct creds_mod *m) {
    const struct agent_config *cfg = ctx->cfg;
    struct secrets *sec = NULL;
    struct settings *ns = NULL;
    struct creds_set set;
    struct rendered out;
    char gen[CREDS_GEN_LEN + 1] = "";
    ri_err e = {0};
    if (reread_settings(ctx, m, &ns)) return;
    const struct settings *s = ns ? ns : cfg->s;
    int rc = secrets_load(&sec, cfg->s->secrets_path, &e);
    if (!rc) rc = gen_of(s, sec, &set, gen, &e);
    if (!rc && !strcmp(gen, m->cur)) { /* nothing new (or back to what runs) */
        m->pending[0] = '\0';
        secrets_free(sec);
        free(ns);
        return;
    }
    if (!rc) rc = render_acl_file(s, sec, NULL, cfg->is_sentinel, &out, &e);
    if (!rc) rendered_free(&out);
    if (!rc) rc = exporter_check(s, sec, cfg->is_sentinel, &e);
    if (rc || strcmp(m->pending, gen)) {
        if (rc && (strcmp(m->refused, gen[0] ? gen : "?") || !gen[0]))
            say(m, 1, "credentials: the secrets are refused; the cluster keeps its passwords",
                "reason", e.msg);
        if (rc) snprintf(m->refused, sizeof m->refused, "%s", gen[0] ? gen : "?");
        else snprintf(m->pending, sizeof m->pending, "%s", gen); /* first read: wait for a second */
        secrets_free(sec);
        free(ns);
        return;
    }
    begin(ctx, m, sec, ns, &set, gen);
}

/* One step of the rotation under way. */
static void step(const struct agent_ctx *ctx, struct creds_mod *m) {
    const struct agent_config *cfg = ctx->cfg;
    struct creds_roll *r = &m->roll;
    struct creds_verdict v;
    ri_err e = {0};
    struct settings *again = NULL;
    /* For grace and drop only: new users wait for this rotation's end. */
    if (!reread_settings(ctx, m, &again)) free(again);
    const struct settings *s = settings_of(ctx, m);
    if (creds_roll_decide(s, r, (int64_t)mono_ms(), m->grace_ms, m->drop_by_command, &v, &e)) {
        say(m, 1, "credentials: cannot ask the members", "error", e.msg);
        return;
    }
    if (v.step == CREDS_STEP_WAIT) {
        /* The grace's countdown changes every tick: said once. */
        say(m, 0, "credentials: waiting", "because",
            v.all_use && !v.wait_ms ? v.why
            : v.all_use             ? "the grace period"
                                    : v.why);
        return;
    }
    if (v.step == CREDS_STEP_NOTHING) {
        m->active = 0;
        return;
    }
    if (creds_roll_step(s, cfg->is_sentinel, r, v.step, &e)) {
        say(m, 1, "credentials: a step failed; trying again", "error", e.msg);
        return;
    }
    m->logged[0] = '\0';
    log_info("credentials: phase done here", "phase", creds_phase_name(r->own), "because", v.why,
             "generation", r->gen, NULL);
    if (r->own == CREDS_USE) { /* our own links and probes speak the new passwords */
        struct secrets *copy = secrets_dup(r->to, &e);
        if (copy) ctx->set_secrets(ctx->owner, copy);
        else log_error("credentials: the agent keeps the old passwords", "error", e.msg, NULL);
        if (m->s_new) ctx->set_settings(ctx->owner, m->s_new); /* taken: cfg->s from now on */
        m->s_new = NULL;
    }
    if (r->own == CREDS_DONE) {
        snprintf(m->cur, sizeof m->cur, "%s", r->gen);
        m->active = 0;
        creds_roll_free(r);
        log_info("credentials: the rotation is done here; the old passwords are gone", "generation",
                 m->cur, NULL);
    }
}

static int creds_tick(const struct agent_ctx *ctx, void *state) {
    struct creds_mod *m = state;
    ri_err e = {0};
    if (m->active) step(ctx, m);
    else if (!m->settled) {
        /* The server may still be starting: said only if it lasts. */
        int early = mono_ms() - ctx->stats->started_ms < SETTLE_QUIET_MS;
        if (creds_roll_settle(ctx->cfg->s, ctx->cfg->is_sentinel, ctx->cfg->sec, m->cur, &e)) {
            if (!early)
                say(m, 1, "credentials: cannot record the generation in effect; trying again",
                    "error", e.msg);
        } else m->settled = 1;
    } else look(ctx, m);
    return CREDS_MS;
}

static void creds_stop(void *state) {
    struct creds_mod *m = state;
    if (!m) return;
    creds_roll_free(&m->roll);
    free(m->s_new);
    explicit_bzero(m, sizeof *m);
    free(m);
}

const struct agent_module agent_creds = {
    .name = "creds",
    .start = creds_start,
    .tick = creds_tick,
    .stop = creds_stop,
};
