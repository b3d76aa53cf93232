/* handover.c: handing the master role over as a pure step function (rules
 * H and G of docs/lifecycle.md; see handover.h).
 *
 * The order is what keeps acknowledged writes: pause writes first, let
 * every linked replica reach the paused offset, only then ask the sentinels
 * to fail over; unpause only once this server is a replica (a write that
 * lands then is refused with READONLY, never accepted and lost). */
#include "rules/handover.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

static void step(struct handover_decision *d, enum handover_step s, int code, const char *rule,
                 int target) {
    d->step = s;
    d->code = code;
    d->rule = rule;
    d->target = target;
}

static int is_me(const struct observations *o, const char *host, int port) {
    return port == o->redis_port && host_equal(host, o->self_host);
}

/* Sentinel votes: for this pod, and the redis peer most sentinels name. */
struct ps_votes {
    int me, first_me, answered;
    int peer, peer_votes; /* best other pod (-1 none) and its votes */
};

static void ps_count(const struct observations *o, int self, struct ps_votes *v) {
    int votes[OBS_MAX_PEERS] = {0};
    int n = dec_n_sentinels(o), nr = dec_n_redis(o);
    memset(v, 0, sizeof *v);
    v->first_me = v->peer = -1;
    for (int i = 0; i < n; i++) {
        const struct sentinel_obs *s = &o->sentinels[i];
        if (s->p.outcome != OUT_ANSWER && s->p.outcome != OUT_NIL_MASTER) continue;
        v->answered++;
        if (s->p.outcome != OUT_ANSWER) continue;
        if (is_me(o, s->master_host, s->master_port)) {
            if (v->me++ == 0) v->first_me = i;
            continue;
        }
        int p = obs_find_redis(o, s->master_host, s->master_port);
        if (p >= 0 && p != self) votes[p]++;
    }
    for (int p = 0; p < nr; p++)
        if (votes[p] > v->peer_votes) {
            v->peer_votes = votes[p];
            v->peer = p;
        }
}

static int linked_to_me(const struct observations *o, const struct redis_obs *r) {
    return r->p.outcome == OUT_ANSWER && r->role == ROLE_REPLICA && r->link_up &&
           is_me(o, r->master_host, r->master_port);
}

/* Before the pause: is this pod a master the sentinels trust, with a
 * replica to hand over to? */
static void before_pause(const struct handover_obs *o, const struct ps_votes *v,
                         struct handover_decision *d) {
    const struct observations *r = &o->round;
    const struct redis_obs *me = &r->redis[o->self];
    int maj = sentinel_majority(dec_n_sentinels(r));
    if (me->p.outcome != OUT_ANSWER) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H1", -1);
        dec_format(d->reason, "the local server does not answer (%s): nothing to hand over",
                   outcome_name(me->p.outcome));
    } else if (me->role == ROLE_REPLICA) {
        step(d, PS_DONE, 0, "H2", -1);
        dec_format(d->reason, "replica: nothing to hand over");
    } else if (me->role != ROLE_MASTER) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H1", -1);
        dec_format(d->reason, "the local server answers with an unknown role");
    } else if (v->answered == 0) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H3", -1);
        dec_format(d->reason, "no sentinel answers: cannot fail over, leaving the master writable");
    } else if (v->peer_votes >= maj) {
        step(d, PS_DONE, 0, "H4", -1);
        dec_format(d->reason,
                   "%d of %d sentinels name %.*s: this is not the sentinels' master, "
                   "nothing to hand over",
                   v->peer_votes, dec_n_sentinels(r), DEC_PEER(&r->redis[v->peer]));
    } else if (v->me < maj) {
        step(d, PS_WAIT, 0, "H5", -1);
        dec_format(d->reason,
                   "waiting for a sentinel majority to name this master (%d of %d, "
                   "majority %d)",
                   v->me, dec_n_sentinels(r), maj);
    } else {
        int linked = 0;
        for (int i = 0; i < dec_n_redis(r); i++)
            if (i != o->self && linked_to_me(r, &r->redis[i])) linked++;
        if (linked == 0) {
            step(d, PS_DONE, EX_UNAVAILABLE, "H6", -1);
            dec_format(d->reason, "no replica is linked to this master: nothing to hand over to");
        } else {
            step(d, PS_PAUSE, 0, "H7", -1);
            dec_format(d->reason,
                       "master named by %d of %d sentinels, %d linked replica(s): "
                       "pausing writes",
                       v->me, dec_n_sentinels(r), linked);
        }
    }
}

/* Paused, no failover accepted yet: wait for the replicas, then ask. */
static void before_failover(const struct handover_obs *o, const struct ps_votes *v,
                            struct handover_decision *d) {
    const struct observations *r = &o->round;
    struct dec_list behind = {{0}, 0};
    int linked = 0;
    if (o->st.pause_offset < 0) {
        step(d, PS_WAIT, 0, "H8", -1);
        dec_format(d->reason, "paused; reading the offset at the pause");
        return;
    }
    for (int i = 0; i < dec_n_redis(r); i++) {
        const struct redis_obs *p = &r->redis[i];
        if (i == o->self || !linked_to_me(r, p)) continue;
        linked++;
        if (p->offset < o->st.pause_offset)
            dec_list_add(&behind, "%.*s at %lld", DEC_PEER(p), p->offset);
    }
    if (linked == 0 || behind.n > 0) {
        step(d, PS_WAIT, 0, "H8", -1);
        dec_format(d->reason, "paused at offset %lld; waiting for the replicas: %s",
                   o->st.pause_offset, behind.n ? behind.buf : "none linked");
    } else if (v->first_me < 0) {
        step(d, PS_WAIT, 0, "H8", -1);
        dec_format(d->reason,
                   "paused at offset %lld, replicas caught up; no answering sentinel "
                   "names this master to ask for the failover",
                   o->st.pause_offset);
    } else if (o->st.failover_tried_at >= 0 &&
               o->now_ms - o->st.failover_tried_at < HANDOVER_RETRY_MS) {
        step(d, PS_WAIT, 0, "H8", -1);
        dec_format(d->reason, "the failover request was refused; asking again shortly");
    } else {
        step(d, PS_FAILOVER, 0, "H9", v->first_me);
        dec_format(d->reason, "%d linked replica(s) reached offset %lld: asking %.*s to fail over",
                   linked, o->st.pause_offset, DEC_PEER(&r->sentinels[v->first_me]));
    }
}

/* The failover was accepted: follow it through. */
static void after_failover(const struct handover_obs *o, const struct ps_votes *v,
                           struct handover_decision *d) {
    const struct observations *r = &o->round;
    const struct redis_obs *me = &r->redis[o->self];
    int maj = sentinel_majority(dec_n_sentinels(r));
    if (me->p.outcome == OUT_ANSWER && me->role == ROLE_REPLICA && o->st.paused &&
        !o->st.unpaused) {
        step(d, PS_UNPAUSE, 0, "H10", -1);
        dec_format(d->reason, "this server is a replica now: unpausing (writes get READONLY)");
        return;
    }
    const struct redis_obs *p = v->peer >= 0 ? &r->redis[v->peer] : NULL;
    if (!p || p->p.outcome != OUT_ANSWER || p->role != ROLE_MASTER) {
        step(d, PS_WAIT, 0, "H11", -1);
        dec_format(d->reason, "waiting for the sentinels to promote a replica");
    } else if (p->offset < o->st.pause_offset) {
        step(d, PS_WAIT, 0, "H12", v->peer);
        dec_format(d->reason,
                   "%.*s answers as master at offset %lld, behind the paused offset "
                   "%lld: not handing over to it",
                   DEC_PEER(p), p->offset, o->st.pause_offset);
    } else if (me->p.outcome == OUT_ANSWER && me->role == ROLE_MASTER) {
        step(d, PS_DEMOTE, 0, "H13", v->peer);
        dec_format(d->reason, "%.*s is master at offset %lld (paused at %lld): following it",
                   DEC_PEER(p), p->offset, o->st.pause_offset);
    } else if (v->peer_votes < maj) {
        step(d, PS_WAIT, 0, "H14", v->peer);
        dec_format(d->reason,
                   "waiting for a sentinel majority to name %.*s (%d of %d, majority "
                   "%d)",
                   DEC_PEER(p), v->peer_votes, dec_n_sentinels(r), maj);
    } else {
        step(d, PS_DONE, 0, "H15", v->peer);
        dec_format(d->reason,
                   "handed over: %d of %d sentinels name %.*s, master at offset %lld "
                   ">= %lld",
                   v->peer_votes, dec_n_sentinels(r), DEC_PEER(p), p->offset, o->st.pause_offset);
    }
}

void handover_next(const struct handover_obs *o, struct handover_decision *d) {
    struct ps_votes v;
    memset(d, 0, sizeof *d);
    d->target = -1;
    if (o->self < 0 || o->self >= dec_n_redis(&o->round)) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H1", -1);
        dec_format(d->reason, "this pod is not one of the configured redis pods");
        return;
    }
    ps_count(&o->round, o->self, &v);
    if (o->st.interrupted) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H17", -1);
        dec_format(d->reason, "interrupted %s",
                   !o->st.paused          ? "before pausing"
                   : !o->st.failover_sent ? "before the failover"
                                          : "before the handover");
    } else if (o->now_ms >= o->bound_ms) {
        step(d, PS_DONE, EX_UNAVAILABLE, "H16", -1);
        dec_format(d->reason, "prestop-timeout (%.0f ms) reached %s", o->bound_ms,
                   !o->st.paused          ? "before pausing"
                   : !o->st.failover_sent ? "before the failover"
                                          : "before the handover");
    } else if (!o->st.paused) {
        before_pause(o, &v, d);
    } else if (!o->st.failover_sent) {
        before_failover(o, &v, d);
    } else {
        after_failover(o, &v, d);
    }
}

void handover_sentinel_next(const struct sentinel_master_obs *own, double now_ms, double bound_ms,
                            struct handover_decision *d) {
    memset(d, 0, sizeof *d);
    d->target = -1;
    if (own->p.outcome != OUT_ANSWER || !strstr(own->flags, "failover_in_progress")) {
        step(d, PS_DONE, 0, "G1", -1);
        dec_format(d->reason, "%s",
                   own->p.outcome == OUT_ANSWER ? "not leading a failover"
                   : own->p.outcome == OUT_NIL_MASTER
                       ? "not monitoring the master group"
                       : "the sentinel does not answer: nothing to wait for");
    } else if (now_ms >= bound_ms) {
        step(d, PS_DONE, EX_UNAVAILABLE, "G3", -1);
        dec_format(d->reason, "prestop-timeout (%.0f ms) reached while leading a failover",
                   bound_ms);
    } else {
        step(d, PS_WAIT, 0, "G2", -1);
        dec_format(d->reason, "leading a failover (%s): waiting for it to finish", own->flags);
    }
}
