/* creds_status.c: see creds_status.h. */
#include "engine/creds_status.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan.h"
#include "net/aclget.h"

/* One member: its ACL asked in chunks of ACLGET_MAX_USERS users. */
static void observe_member(const struct creds_set *set, const struct admin_conn *c,
                           struct creds_status_member *m) {
    const char *names[ACLGET_MAX_USERS];
    struct aclget_result r;
    for (int at = 0; at < set->n; at += ACLGET_MAX_USERS) { /* n >= 5: admin... are required */
        int n = set->n - at < ACLGET_MAX_USERS ? set->n - at : ACLGET_MAX_USERS;
        for (int i = 0; i < n; i++) names[i] = set->u[at + i].name;
        aclget(c->host, c->port, c->user, c->pass, c->timeout_ms, names, n, &r);
        m->p.outcome = r.p.outcome;
        snprintf(m->p.detail, sizeof m->p.detail, "%s", r.p.detail);
        if (r.p.outcome != OUT_ANSWER) return;
        if (at == 0) {
            m->marker = r.marker;
            creds_marker_parse(r.channels, &m->m);
        }
        for (int i = 0; i < n; i++) {
            const struct aclget_user *u = &r.users[i];
            int cur = u->exists && aclget_has(u, set->u[at + i].hash);
            m->state[at + i] = !u->exists ? CU_ABSENT : cur ? CU_CURRENT : CU_STALE;
            m->others[at + i] = u->n - cur + u->more;
        }
    }
}

int creds_status_observe(const struct settings *s, const struct secrets *sec,
                         struct creds_status *st, ri_err *e) {
    memset(st, 0, sizeof *st);
    struct observations *o = calloc(1, sizeof *o);
    if (!o) return ri_fail(e, EX_OSERR, "out of memory");
    int rc = creds_collect(sec, s, &st->set, e);
    if (!rc) rc = plan_peers(s, 0, o, e);
    if (rc) {
        free(o);
        return rc;
    }
    creds_generation(&st->set, st->gen);
    st->origin = secrets_origin(sec);
    for (int k = 0; k < o->n_redis + o->n_sentinels; k++) {
        int sent = k >= o->n_redis;
        const struct peer_common *p = sent ? &o->sentinels[k - o->n_redis].p : &o->redis[k].p;
        struct creds_status_member *m = &st->members[st->n++];
        struct admin_conn c;
        m->p = *p;
        m->is_sentinel = sent;
        plan_admin(sec, m->p.host, m->p.port, s->probe_timeout_ms, &c);
        observe_member(&st->set, &c, m);
    }
    free(o);
    return 0;
}

int creds_status_exit(const struct creds_status *st) {
    int stale = 0;
    for (int i = 0; i < st->n; i++) {
        if (st->members[i].p.outcome != OUT_ANSWER) return EX_UNAVAILABLE;
        for (int u = 0; u < st->set.n; u++) stale |= st->members[i].state[u] == CU_STALE;
    }
    return stale ? EX_DATAERR : 0;
}

static const char *state_word(enum creds_user_state s) {
    return s == CU_CURRENT ? "current" : s == CU_STALE ? "STALE" : "absent";
}

static void marker_text(const struct creds_status_member *m, char *out, size_t len) {
    if (!m->marker || !m->m.gen[0]) snprintf(out, len, "none");
    else
        snprintf(out, len, "%s:%s%s", m->m.gen, creds_phase_name(m->m.phase),
                 m->m.finish ? "+finish" : "");
}

void creds_status_text(FILE *f, const struct creds_status *st) {
    fprintf(f, "generation %s of the secrets (%s): %d users\n", st->gen, st->origin, st->set.n);
    for (int i = 0; i < st->n; i++) {
        const struct creds_status_member *m = &st->members[i];
        fprintf(f, "%s:%d", m->p.host, m->p.port);
        if (m->p.outcome != OUT_ANSWER) {
            fprintf(f, "  %s: %s\n", outcome_name(m->p.outcome), m->p.detail);
            continue;
        }
        char mk[64];
        int current = 0;
        marker_text(m, mk, sizeof mk);
        for (int u = 0; u < st->set.n; u++) current += m->state[u] == CU_CURRENT;
        fprintf(f, "  marker %s; %d current", mk, current);
        for (int u = 0; u < st->set.n; u++) { /* only what is not plainly current */
            if (m->state[u] != CU_STALE && !m->others[u]) continue;
            fprintf(f, "; %s %s", st->set.u[u].name, state_word(m->state[u]));
            if (m->others[u]) fprintf(f, " +%d", m->others[u]);
        }
        fputc('\n', f);
    }
}

static json_t *member_json(const struct creds_status *st, const struct creds_status_member *m) {
    json_t *j =
        json_pack("{s:s, s:i, s:s, s:s}", "host", m->p.host, "port", m->p.port, "role",
                  m->is_sentinel ? "sentinel" : "redis", "outcome", outcome_name(m->p.outcome));
    if (!j || m->p.outcome != OUT_ANSWER) {
        if (j) json_object_set_new(j, "detail", json_string(m->p.detail));
        return j;
    }
    json_t *users = json_object(), *mk = json_null();
    if (m->marker && m->m.gen[0])
        mk = json_pack("{s:s, s:s, s:b}", "generation", m->m.gen, "phase",
                       creds_phase_name(m->m.phase), "finish", m->m.finish);
    for (int u = 0; users && u < st->set.n; u++)
        if (m->state[u] != CU_ABSENT)
            json_object_set_new(users, st->set.u[u].name,
                                json_pack("{s:b, s:i}", "current", m->state[u] == CU_CURRENT,
                                          "others", m->others[u]));
    json_object_set_new(j, "marker", mk);
    json_object_set_new(j, "users", users);
    return j;
}

int creds_status_json(FILE *f, const struct creds_status *st) {
    json_t *members = json_array();
    for (int i = 0; members && i < st->n; i++)
        if (json_array_append_new(members, member_json(st, &st->members[i]))) {
            json_decref(members);
            members = NULL;
        }
    json_t *root =
        json_pack("{s:i, s:s, s:o*}", "schema", 1, "generation", st->gen, "members", members);
    if (!root || !members) {
        json_decref(root);
        return -1;
    }
    int rc = json_dumpf(root, f, JSON_INDENT(2)) ? -1 : 0;
    fputc('\n', f);
    json_decref(root);
    return rc;
}
