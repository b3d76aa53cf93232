/* creds_roll.c: see creds_roll.h. */
#include "engine/creds_roll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/acl.h"
#include "config/credstate.h"
#include "engine/creds_status.h"
#include "engine/exporter.h"
#include "engine/plan.h"
#include "engine/render.h"
#include "net/admin.h"

#define MAX_WORDS 96 /* of one users.acl line */

const char *creds_roll_dir(const struct settings *s, int sentinel) {
    return sentinel ? s->conf_dir : s->data_dir;
}

void creds_roll_free(struct creds_roll *r) {
    secrets_free(r->old_login);
    secrets_free(r->to);
    explicit_bzero(r, sizeof *r);
}

/* ---------------------------------------------------------------------------
 * Observe and decide
 * ------------------------------------------------------------------------ */

/* What each member answered, as the rules read it (m: st->n slots). */
static void members_of(const struct creds_status *st, struct creds_member *m) {
    for (int i = 0; i < st->n; i++) {
        const struct creds_status_member *sm = &st->members[i];
        m[i] = sm->m;
        m[i].name = sm->p.host;
        m[i].answered = sm->p.outcome == OUT_ANSWER;
        /* Absent: a user of the other role (sentinels have no replica
         * user), or one the member adds with its accept marker. */
        m[i].accepts_new = m[i].answered;
        for (int k = 0; k < st->set.n; k++)
            if (sm->state[k] == CU_STALE) m[i].accepts_new = 0;
    }
}

int creds_roll_decide(const struct settings *s, struct creds_roll *r, int64_t now_ms,
                      int64_t grace_ms, int drop_by_command, struct creds_verdict *v, ri_err *e) {
    struct creds_status *st = calloc(1, sizeof *st);
    struct creds_member *m = calloc(2 * OBS_MAX_PEERS, sizeof *m);
    int rc = !st || !m ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    if (!rc) rc = creds_status_observe(s, r->to, st, e);
    if (!rc) {
        members_of(st, m);
        struct creds_world w = {.gen = r->gen,
                                .own = r->own,
                                .members = m,
                                .n = st->n,
                                .now_ms = now_ms,
                                .all_use_since = r->all_use_since,
                                .grace_ms = grace_ms,
                                .drop_by_command = drop_by_command};
        creds_decide(&w, v);
        if (v->all_use && !r->all_use_since) r->all_use_since = now_ms;
    }
    free(m);
    free(st);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Live changes on the local member
 * ------------------------------------------------------------------------ */

static void local_admin(const struct settings *s, int sentinel, const struct secrets *sec,
                        struct admin_conn *c) {
    plan_admin(sec, LOCAL_HOST, sentinel ? s->sentinel_port : s->redis_port, s->probe_timeout_ms,
               c);
}

/* What follows "user <name> " on its users.acl line; NULL when this role
 * has no such user (a sentinel has no replica user). */
static const char *acl_line(const char *acl, const char *name) {
    char head[SET_NAME_MAX + 8];
    snprintf(head, sizeof head, "user %s ", name);
    for (const char *p = acl; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, head, strlen(head)) == 0) return p + strlen(head);
    return NULL;
}

/* ACL SETUSER <name> #<new>: the new password beside the old (accept);
 * with reset, in place of every other (drop: idempotent, where "!<old>"
 * fails once the old one is gone). Nothing when this role has no such user. */
static int setuser_hash(const struct admin_conn *c, const char *acl, const char *name, int reset,
                        const unsigned char h[32], ri_err *e) {
    char arg[66];
    if (!acl_line(acl, name)) return 0;
    acl_hash_rule(h, arg);
    const char *argv[5] = {"ACL", "SETUSER", name, reset ? "resetpass" : arg, arg};
    return admin_call(c, reset ? 5 : 4, argv, "ACL SETUSER", NULL, e);
}

/* ACL SETUSER <name> reset <the rules of its users.acl line>: a user added
 * by the rotation, and the marker. Nothing when this role has no such user. */
static int setuser_line(const struct admin_conn *c, const char *acl, const char *name, ri_err *e) {
    char line[4096];
    const char *p = acl_line(acl, name);
    if (!p) return 0;
    snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
    const char *argv[MAX_WORDS] = {"ACL", "SETUSER", name, "reset"};
    int argc = 4;
    for (char *save = NULL, *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (argc == MAX_WORDS)
            return ri_fail(e, EX_SOFTWARE, "users.acl: %s: too many rules", name);
        argv[argc++] = w;
    }
    int rc = admin_call(c, argc, argv, "ACL SETUSER", NULL, e);
    explicit_bzero(line, sizeof line);
    return rc;
}

/* The changed users' passwords, live: accept adds the new, done keeps
 * only the new; then the added users (accept) and the marker. */
static int apply_live(const struct creds_roll *r, enum creds_phase phase, const char *acl,
                      const struct admin_conn *c, ri_err *e) {
    struct creds_diff d;
    int rc = 0;
    creds_diff(&r->old_users, &r->new_users, &d);
    for (int i = 0; !rc && phase != CREDS_USE && i < d.n_changed; i++) {
        const struct creds_user *u = creds_find(&r->new_users, d.changed[i]);
        if (u) rc = setuser_hash(c, acl, u->name, phase == CREDS_DONE, u->hash, e);
    }
    for (int i = 0; !rc && phase == CREDS_ACCEPT && i < d.n_added; i++)
        rc = setuser_line(c, acl, d.added[i], e);
    for (int i = 0; !rc && phase == CREDS_ACCEPT && i < d.n_rules; i++)
        rc = setuser_line(c, acl, d.rules[i], e); /* its line holds its passwords */
    for (int i = 0; !rc && phase == CREDS_DONE && i < d.n_removed; i++)
        rc = admin_deluser(c, d.removed[i], e);
    return rc ? rc : setuser_line(c, acl, CREDS_MARKER_USER, e);
}

/* The state file and users.acl for phase; then the live ACL (apply_live). */
static int write_phase(const struct settings *s, int sentinel, const struct creds_roll *r,
                       enum creds_phase phase, const struct admin_conn *c, ri_err *e) {
    struct creds_state cs;
    struct rendered out;
    memset(&cs, 0, sizeof cs);
    snprintf(cs.gen, sizeof cs.gen, "%s", r->gen);
    cs.phase = phase;
    if (phase != CREDS_DONE) cs.old_users = r->old_users;
    cs.old_login = phase != CREDS_DONE ? r->old_login : NULL;
    int rc = credstate_write(creds_roll_dir(s, sentinel), &cs, cs.old_login, e);
    if (!rc) rc = render_acl_file(s, r->to, &cs, sentinel, &out, e);
    if (rc) return rc;
    rc = render_commit(s, &out, e);
    if (!rc) rc = apply_live(r, phase, out.files[0].data, c, e);
    rendered_free(&out);
    return rc;
}

/* A login key that differs between the generations. */
static int changed(const struct creds_roll *r, const char *key) {
    const char *a = r->old_login ? secrets_get(r->old_login, key, NULL) : NULL;
    const char *b = secrets_get(r->to, key, NULL);
    return a && b && strcmp(a, b) != 0;
}

static int accept_step(const struct settings *s, int sentinel, struct creds_roll *r, ri_err *e) {
    struct admin_conn c;
    /* Until it accepts them, our own member knows only the old passwords. */
    const struct secrets *login =
        r->old_login && secrets_get(r->old_login, SECRET_ADMIN_PASS, NULL) ? r->old_login : r->to;
    local_admin(s, sentinel, login, &c);
    return write_phase(s, sentinel, r, CREDS_ACCEPT, &c, e);
}

static int use_step(const struct settings *s, int sentinel, struct creds_roll *r, ri_err *e) {
    struct admin_conn c;
    int rc = 0;
    local_admin(s, sentinel, r->to, &c);
    const char *ru = secrets_get(r->to, SECRET_REPLICA_USER, NULL),
               *rp = secrets_get(r->to, SECRET_REPLICA_PASS, NULL),
               *su = secrets_get(r->to, SECRET_SENTINEL_USER, NULL),
               *sp = secrets_get(r->to, SECRET_SENTINEL_PASS, NULL),
               *yu = secrets_get(r->to, SECRET_SYNC_USER, NULL),
               *yp = secrets_get(r->to, SECRET_SYNC_PASS, NULL);
    if (!sentinel && (changed(r, SECRET_REPLICA_USER) || changed(r, SECRET_REPLICA_PASS))) {
        const char *argv[6] = {"CONFIG", "SET", "masteruser", ru, "masterauth", rp};
        rc = admin_call(&c, 6, argv, "CONFIG SET masteruser masterauth", NULL, e);
    }
    if (sentinel && (changed(r, SECRET_SENTINEL_USER) || changed(r, SECRET_SENTINEL_PASS))) {
        const char *argv[7] = {"SENTINEL", "SET", s->master_name, "auth-user", su, "auth-pass", sp};
        rc = admin_call(&c, 7, argv, "SENTINEL SET auth-user auth-pass", NULL, e);
    }
    /* One parameter per call: Redis 7.0 takes no more. */
    if (!rc && sentinel && changed(r, SECRET_SYNC_USER)) {
        const char *argv[5] = {"SENTINEL", "CONFIG", "SET", "sentinel-user", yu};
        rc = admin_call(&c, 5, argv, "SENTINEL CONFIG SET sentinel-user", NULL, e);
    }
    if (!rc && sentinel && changed(r, SECRET_SYNC_PASS)) {
        const char *argv[5] = {"SENTINEL", "CONFIG", "SET", "sentinel-pass", yp};
        rc = admin_call(&c, 5, argv, "SENTINEL CONFIG SET sentinel-pass", NULL, e);
    }
    /* The exporter sidecar's file: a sidecar restarted from now on reads
     * the new password, which every member accepts. */
    if (!rc) rc = exporter_write(s, r->to, sentinel, e);
    return rc ? rc : write_phase(s, sentinel, r, CREDS_USE, &c, e);
}

static int drop_step(const struct settings *s, int sentinel, struct creds_roll *r, ri_err *e) {
    struct admin_conn c;
    local_admin(s, sentinel, r->to, &c);
    return write_phase(s, sentinel, r, CREDS_DONE, &c, e);
}

int creds_roll_step(const struct settings *s, int sentinel, struct creds_roll *r,
                    enum creds_step step, ri_err *e) {
    int rc;
    enum creds_phase to;
    switch (step) {
    case CREDS_STEP_ACCEPT: rc = accept_step(s, sentinel, r, e), to = CREDS_ACCEPT; break;
    case CREDS_STEP_USE: rc = use_step(s, sentinel, r, e), to = CREDS_USE; break;
    case CREDS_STEP_DROP: rc = drop_step(s, sentinel, r, e), to = CREDS_DONE; break;
    default: return 0;
    }
    if (!rc) r->own = to;
    return rc;
}

int creds_roll_settle(const struct settings *s, int sentinel, const struct secrets *sec,
                      const char *gen, ri_err *e) {
    struct creds_roll r;
    struct admin_conn c;
    memset(&r, 0, sizeof r);
    snprintf(r.gen, sizeof r.gen, "%s", gen);
    r.to = (struct secrets *)sec; /* borrowed: not freed here */
    local_admin(s, sentinel, sec, &c);
    int rc = write_phase(s, sentinel, &r, CREDS_DONE, &c, e);
    explicit_bzero(&r, sizeof r);
    return rc;
}

/* ---------------------------------------------------------------------------
 * credentials finish
 * ------------------------------------------------------------------------ */

int creds_finish(const struct settings *s, const struct secrets *sec, char *why, size_t whylen,
                 ri_err *e) {
    struct creds_status *st = calloc(1, sizeof *st);
    struct creds_member *m = calloc(2 * OBS_MAX_PEERS, sizeof *m);
    char rule[CREDS_GEN_LEN + 32];
    int rc = !st || !m ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    if (!rc) rc = creds_status_observe(s, sec, st, e);
    if (!rc) members_of(st, m);
    enum creds_finish f =
        rc ? CREDS_FINISH_DOWN : creds_finish_decide(st->gen, m, st->n, why, whylen);
    if (!rc && f == CREDS_FINISH_DOWN) rc = ri_fail(e, EX_UNAVAILABLE, "credentials: %s", why);
    if (!rc && f == CREDS_FINISH_BEHIND) rc = ri_fail(e, EX_TEMPFAIL, "credentials: %s", why);
    if (!rc && f == CREDS_FINISH_MARK && creds_finish_rule(st->gen, rule, sizeof rule))
        rc = ri_fail(e, EX_SOFTWARE, "credentials: no finish rule for %s", st->gen);
    /* Every member, done ones too: an agent reads any member's mark. */
    for (int i = 0; !rc && f == CREDS_FINISH_MARK && i < st->n; i++) {
        struct admin_conn c;
        const char *argv[4] = {"ACL", "SETUSER", CREDS_MARKER_USER, rule};
        plan_admin(sec, m[i].name, st->members[i].p.port, s->probe_timeout_ms, &c);
        if (admin_call(&c, 4, argv, "ACL SETUSER (finish mark)", NULL, e)) rc = EX_UNAVAILABLE;
    }
    free(m);
    free(st);
    return rc;
}
