/* health.c: the verdicts `check` answers with (rules L, R and Q of
 * docs/lifecycle.md). Pure: no I/O, no clock, no globals. */
#include "rules/health.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

const char *health_kind_name(enum health_kind k) {
    static const char *const names[] = {"readiness", "liveness", "startup"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}

static void set_verdict(struct verdict *v, int code, const char *rule) {
    v->code = code;
    v->rule = rule;
}

/* The local server did not answer: down, or its probe user was refused. */
static void not_answered(struct verdict *v, const char *rule, const struct peer_common *p,
                         const char *what) {
    int auth = p->outcome == OUT_AUTH_FAILED;
    set_verdict(v, auth ? HEALTH_AUTH : HEALTH_DOWN, rule);
    dec_format(v->reason, "%s %s (%s: %s)", what,
               auth ? "refused the probe user" : "does not answer", outcome_name(p->outcome),
               p->detail[0] ? p->detail : "no detail");
}

/* ---------------------------------------------------------------------------
 * Liveness and startup
 * ------------------------------------------------------------------------ */

void health_alive(const struct ping_obs *p, struct verdict *v) {
    static const char *const alive_errors[] = {"LOADING", "BUSY", "MASTERDOWN"};
    memset(v, 0, sizeof *v);
    if (p->outcome == OUT_ANSWER) {
        set_verdict(v, HEALTH_PASS, "L1");
        dec_format(v->reason, "answers PING");
        return;
    }
    for (size_t i = 0; i < sizeof alive_errors / sizeof alive_errors[0]; i++)
        if (strcmp(p->err_code, alive_errors[i]) == 0) {
            set_verdict(v, HEALTH_PASS, "L2");
            dec_format(v->reason, "alive: answers %s", p->err_code);
            return;
        }
    if (p->outcome == OUT_AUTH_FAILED && p->secrets_ahead) {
        set_verdict(v, HEALTH_PASS, "L5");
        dec_format(v->reason,
                   "alive: it refused the probe user, whose password changed in the secrets "
                   "before this pod's agent applied them (%s)",
                   p->detail);
        return;
    }
    if (p->outcome == OUT_AUTH_FAILED) {
        set_verdict(v, HEALTH_AUTH, "L3");
        dec_format(v->reason, "the server refused the probe user (%s)", p->detail);
        return;
    }
    set_verdict(v, HEALTH_DOWN, "L4");
    dec_format(v->reason, "the server does not answer PING (%s: %s)", outcome_name(p->outcome),
               p->detail[0] ? p->detail : "no detail");
}

/* ---------------------------------------------------------------------------
 * Redis readiness
 * ------------------------------------------------------------------------ */

struct votes {
    int me, best_other, answered, down, pending;
    const struct sentinel_obs *other; /* a sentinel of the largest other group */
};

static int names_same(const struct sentinel_obs *a, const struct sentinel_obs *b) {
    return a->master_port == b->master_port && host_equal(a->master_host, b->master_host);
}

static void count_votes(const struct redis_health_obs *o, struct votes *t) {
    int n = o->n_sentinels < 0               ? 0
            : o->n_sentinels > OBS_MAX_PEERS ? OBS_MAX_PEERS
                                             : o->n_sentinels;
    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) {
        const struct sentinel_obs *s = &o->sentinels[i];
        if (s->p.outcome == OUT_NOT_AWAITED) {
            t->pending++;
            continue;
        }
        if (outcome_is_down(s->p.outcome)) {
            t->down++;
            continue;
        }
        if (s->p.outcome == OUT_NIL_MASTER) {
            t->answered++;
            continue;
        }
        if (s->p.outcome != OUT_ANSWER) continue;
        t->answered++;
        if (s->master_port == o->self_port && host_equal(s->master_host, o->self_host)) {
            t->me++;
            continue;
        }
        int same = 0;
        for (int j = 0; j < n; j++)
            if (o->sentinels[j].p.outcome == OUT_ANSWER && names_same(&o->sentinels[j], s)) same++;
        if (same > t->best_other) {
            t->best_other = same;
            t->other = s;
        }
    }
}

static void ready_master(const struct redis_health_obs *o, struct verdict *v) {
    struct votes t;
    int maj = sentinel_majority(o->n_sentinels);
    count_votes(o, &t);
    if (t.me >= maj) {
        set_verdict(v, HEALTH_PASS, "R7");
        dec_format(v->reason, "master, named by %d of %d sentinels (majority %d)", t.me,
                   o->n_sentinels, maj);
    } else if (t.best_other >= maj) {
        set_verdict(v, HEALTH_NOT_READY, "R8");
        dec_format(v->reason, "stale master: %d of %d sentinels name %.*s:%d, not this pod",
                   t.best_other, o->n_sentinels, dec_label_len(t.other->master_host),
                   t.other->master_host, t.other->master_port);
    } else if (t.answered == 0 && t.pending == 0 && t.down == o->n_sentinels) {
        /* Bootstrap, or every sentinel pod gone: nobody can say otherwise. */
        set_verdict(v, HEALTH_PASS, "R9");
        dec_format(v->reason, "master; no sentinel is running (all %d refused or not found)",
                   o->n_sentinels);
    } else {
        set_verdict(v, HEALTH_NOT_READY, "R10");
        dec_format(v->reason,
                   "master, but only %d of %d sentinels name it (majority %d; %d "
                   "answered, %d down, the rest unknown): it may be a stale master",
                   t.me, o->n_sentinels, maj, t.answered, t.down);
    }
}

void health_redis_ready(const struct redis_health_obs *o, struct verdict *v) {
    const struct redis_obs *r = &o->local;
    memset(v, 0, sizeof *v);
    if (r->p.outcome != OUT_ANSWER) {
        not_answered(v, "R1", &r->p, "the server");
    } else if (r->loading) {
        set_verdict(v, HEALTH_NOT_READY, "R2");
        dec_format(v->reason, "loading its data set");
    } else if (r->role == ROLE_REPLICA && r->sync_in_progress) {
        /* Checked first: the link is down during a full sync too, and this
         * says more. Its data set is about to be replaced: keep traffic off. */
        set_verdict(v, HEALTH_NOT_READY, "R4");
        dec_format(v->reason, "replica of %.*s:%d, full sync in progress",
                   dec_label_len(r->master_host), r->master_host, r->master_port);
    } else if (r->role == ROLE_REPLICA && !r->link_up) {
        set_verdict(v, HEALTH_NOT_READY, "R3");
        dec_format(v->reason, "replica of %.*s:%d, link down", dec_label_len(r->master_host),
                   r->master_host, r->master_port);
    } else if (r->role == ROLE_REPLICA) {
        set_verdict(v, HEALTH_PASS, "R5");
        dec_format(v->reason, "replica of %.*s:%d, link up, offset %lld",
                   dec_label_len(r->master_host), r->master_host, r->master_port, r->offset);
    } else if (r->role == ROLE_INIT) {
        set_verdict(v, HEALTH_NOT_READY, "R6");
        dec_format(v->reason, "no server yet: redis-init is still deciding this pod's role "
                              "(its beacon answered)");
    } else if (r->role != ROLE_MASTER) {
        set_verdict(v, HEALTH_NOT_READY, "R6");
        dec_format(v->reason, "answers with an unknown role");
    } else {
        ready_master(o, v);
    }
}

int health_redis_settled(const struct redis_health_obs *o) {
    const struct redis_obs *r = &o->local;
    if (r->p.outcome == OUT_NOT_AWAITED) return 0;
    if (r->p.outcome != OUT_ANSWER || r->role != ROLE_MASTER || r->loading) return 1;
    struct votes t;
    int maj = sentinel_majority(o->n_sentinels);
    count_votes(o, &t);
    /* Two disjoint majorities cannot exist, so a formed one is final. */
    return t.pending == 0 || t.me >= maj || t.best_other >= maj;
}

/* ---------------------------------------------------------------------------
 * Sentinel readiness
 * ------------------------------------------------------------------------ */

void health_sentinel_ready(const struct sentinel_health_obs *o, struct verdict *v) {
    const struct sentinel_master_obs *s = &o->own;
    const struct redis_obs *m = &o->master;
    int need = sentinel_majority(o->n_sentinels) - 1;
    memset(v, 0, sizeof *v);
    if (s->p.outcome == OUT_NIL_MASTER) {
        set_verdict(v, HEALTH_NOT_READY, "Q2");
        dec_format(v->reason, "the sentinel does not monitor the master group");
    } else if (s->p.outcome != OUT_ANSWER) {
        not_answered(v, "Q1", &s->p, "the sentinel");
    } else if (m->p.outcome != OUT_ANSWER || m->role != ROLE_MASTER) {
        set_verdict(v, HEALTH_NOT_READY, "Q3");
        if (m->p.outcome != OUT_ANSWER)
            dec_format(v->reason, "the master it names, %.*s:%d, does not answer (%s)",
                       dec_label_len(s->master_host), s->master_host, s->master_port,
                       outcome_name(m->p.outcome));
        else
            dec_format(v->reason, "the master it names, %.*s:%d, answers as %s",
                       dec_label_len(s->master_host), s->master_host, s->master_port,
                       role_name(m->role));
    } else if (s->reachable_replicas < m->connected_replicas) {
        set_verdict(v, HEALTH_NOT_READY, "Q4");
        dec_format(v->reason, "reaches %d replica(s) of %.*s, which has %d connected",
                   s->reachable_replicas, dec_label_len(s->master_host), s->master_host,
                   m->connected_replicas);
    } else if (s->reachable_sentinels < need) {
        set_verdict(v, HEALTH_NOT_READY, "Q5");
        dec_format(v->reason,
                   "reaches %d other sentinel(s), needs %d (majority %d of %d) to vote "
                   "in a failover",
                   s->reachable_sentinels, need, need + 1, o->n_sentinels);
    } else {
        set_verdict(v, HEALTH_PASS, "Q6");
        dec_format(v->reason,
                   "monitors %.*s:%d (master) with %d replica(s) and %d other sentinel(s) "
                   "in reach",
                   dec_label_len(s->master_host), s->master_host, s->master_port,
                   s->reachable_replicas, s->reachable_sentinels);
    }
}
