/* decide.c: redis-init's role decision, rules S (sentinel majority), P (no
 * majority, a peer answers as master), B (no master: a fresh start, or the
 * newest history after a cold start) and the data guard D.
 * docs/decision.md is the table; each rule below names its row. Pure: no
 * I/O, no clock, no globals: a decision can be replayed from a JSON dump. */
#include "rules/decide.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

struct rctx {
    const struct observations *o;
    struct tally t;
    int n_sent, n_redis, majority;
    int self;  /* own index in o->redis, -1 if not listed */
    int aside; /* the vote group S10 set aside, -1 if none */
};

/* OUT_SELF marks our own slot; fall back to the name for callers that did
 * not mark it. */
static int find_self(const struct observations *o, int n) {
    for (int i = 0; i < n; i++)
        if (o->redis[i].p.outcome == OUT_SELF) return i;
    for (int i = 0; i < n; i++)
        if (o->redis[i].p.port == o->redis_port && host_equal(o->redis[i].p.host, o->self_host))
            return i;
    return -1;
}

static int is_other(const struct rctx *c, int i) {
    return i != c->self && c->o->redis[i].p.outcome != OUT_SELF;
}

static void set_master(const struct rctx *c, struct decision *d, const char *rule) {
    dec_set(d, ACT_MASTER, rule, c->o, c->self, c->o->self_host, c->o->redis_port);
}

/* The most up-to-date data holder among the other answered pods: highest
 * offset, then most keys, then lowest ordinal. -1 if none holds data. */
static int best_holder(const struct rctx *c) {
    int best = -1;
    for (int i = 0; i < c->n_redis; i++) {
        const struct redis_obs *r = &c->o->redis[i];
        if (!is_other(c, i) || !dec_holds_data(r)) continue;
        if (best < 0) {
            best = i;
            continue;
        }
        const struct redis_obs *b = &c->o->redis[best];
        if (r->offset != b->offset ? r->offset > b->offset
            : r->keys != b->keys   ? r->keys > b->keys
                                   : dec_ord_key(r->p.ordinal) < dec_ord_key(b->p.ordinal))
            best = i;
    }
    return best;
}

/* Guard D: following an empty master makes this pod full-resync to empty,
 * wiping its data dir. Allowed only when the master provably continues the
 * history our data belongs to (then the emptiness is that history's own,
 * e.g. a FLUSHALL); a master holding keys is never blocked. */
static int guard_refuses(const struct observations *o, const struct redis_obs *m) {
    const struct local_data *ld = &o->self_data;
    const struct history *mine = &o->self_hist;
    if (!ld->has_data) return 0;
    /* Behind me on my own history: it lacks writes that I hold. (A master
     * promoted from my history before my last writes names it as its
     * parent, not its head: Sentinel's own loss, which is followed.) */
    if (mine->known && m->hist.known && strcmp(mine->id, m->hist.id) == 0 &&
        m->hist.offset < mine->offset)
        return 1;
    /* On the line my history continues: an old master that came back, and
     * following it would drop every write of the newer line. */
    if (history_continues(mine, &m->hist)) return 1;
    if (m->keys > 0 || m->loading) return 0;
    if (ld->replid[0] == '\0') return 1;
    if (strcmp(ld->replid, m->replid) == 0)
        return ld->offset > m->offset && ld->offset >= 0 && m->offset >= 0;
    if (m->replid2[0] && strcmp(ld->replid, m->replid2) == 0)
        return !(ld->offset >= 0 && ld->offset <= m->second_offset);
    return 1;
}

/* FOLLOW peer m under rule, unless guard D refuses (then WAIT, rule D1).
 * lead: the decisive sentence explaining why m is the master. */
static void follow_guarded(const struct rctx *c, struct decision *d, int m, const char *rule,
                           const char *lead) {
    const struct observations *o = c->o;
    const struct redis_obs *r = &o->redis[m];
    if (!guard_refuses(o, r)) {
        dec_set(d, ACT_FOLLOW, rule, o, m, NULL, 0);
        dec_reason(d, "%s", lead);
        return;
    }
    dec_set(d, ACT_WAIT, "D1", o, m, NULL, 0);
    if (history_continues(&o->self_hist, &r->hist))
        dec_reason(d,
                   "refusing to follow %.*s:%d: it is on the older line %.8s, which my history "
                   "continues (%.8s@%lld from %.8s@%lld): following it would drop every write of "
                   "the newer line",
                   DEC_PEER(r), r->p.port, r->hist.id, o->self_hist.id, o->self_hist.offset,
                   o->self_hist.parent_id, o->self_hist.parent_offset);
    else if (r->keys > 0 || r->loading)
        dec_reason(d,
                   "refusing to follow %.*s:%d: it is behind me on my own history (it is at "
                   "offset %lld, my record says %lld): following it would drop writes I hold",
                   DEC_PEER(r), r->p.port, r->hist.offset, o->self_hist.offset);
    else
        dec_reason(d,
                   "refusing to follow %.*s:%d: it holds no keys while my data dir holds data (%s)",
                   DEC_PEER(r), r->p.port, o->self_data.summary);
    dec_reason(d,
               "my data (repl-id %.8s, offset %lld) is not part of its history (repl-id %.8s, "
               "offset %lld; replid2 %.8s up to %lld): following it would wipe my data",
               o->self_data.replid[0] ? o->self_data.replid : "unknown", o->self_data.offset,
               r->replid[0] ? r->replid : "unknown", r->offset, r->replid2[0] ? r->replid2 : "none",
               r->second_offset);
    dec_reason(d,
               "to keep this data, stop %.*s and copy this data dir onto its volume; "
               "to discard it, empty this pod's data dir",
               DEC_PEER(r));
    dec_reason(d, "%s", lead);
}

/* A reachable peer whose history continues this pod's line, or -1. */
static int newer_line_peer(const struct rctx *c) {
    for (int i = 0; i < c->n_redis; i++)
        if (is_other(c, i) && c->o->redis[i].p.outcome == OUT_ANSWER &&
            history_continues(&c->o->redis[i].hist, &c->o->self_hist))
            return i;
    return -1;
}

/* S1-S4, S9: the sentinels name this pod. */
static void rule_s_self(const struct rctx *c, struct decision *d, const char *who) {
    const struct observations *o = c->o;
    int newer = newer_line_peer(c);
    if (o->self_data.has_data && newer >= 0) {
        char h[96];
        history_describe(&o->redis[newer].hist, h, sizeof h);
        dec_set(d, ACT_WAIT, "S9", o, c->self, o->self_host, o->redis_port);
        dec_reason(d,
                   "%s: that is me, but %.*s holds a history that continues mine (%s): the "
                   "sentinels missed a promotion; starting as master would drop its writes",
                   who, DEC_PEER(&o->redis[newer]), h);
        dec_reason(d,
                   "to keep the newer line, make %.*s master (SENTINEL FAILOVER once it runs "
                   "as a replica, or `redis-init run --master` there)",
                   DEC_PEER(&o->redis[newer]));
        return;
    }
    if (o->self_data.has_data) {
        set_master(c, d, "S1");
        dec_reason(d, "%s: that is me and my data dir holds data (%s)", who, o->self_data.summary);
        return;
    }
    int h = best_holder(c);
    if (h >= 0) {
        char desc[96];
        dec_describe(&o->redis[h], desc, sizeof desc);
        dec_set(d, ACT_FAILOVER, "S2", o, h, NULL, 0);
        dec_reason(d,
                   "%s: that is me, but my data dir is empty while %.*s holds data (%s): "
                   "asking the sentinels to fail over",
                   who, DEC_PEER(&o->redis[h]), desc);
        return;
    }
    struct dec_list silent = {{0}, 0};
    int others = 0;
    for (int i = 0; i < c->n_redis; i++) {
        if (!is_other(c, i)) continue;
        others++;
        /* An answer we cannot read (role unknown) is no proof of emptiness. */
        if (o->redis[i].p.outcome != OUT_ANSWER || dec_redis_unknown(&o->redis[i]))
            dec_list_add(&silent, "%.*s (%s)", DEC_PEER(&o->redis[i]),
                         o->redis[i].p.outcome == OUT_ANSWER ? "role unknown"
                                                             : outcome_name(o->redis[i].p.outcome));
    }
    if (silent.n == 0) {
        set_master(c, d, "S3");
        dec_reason(d,
                   "%s: that is me; my data dir is empty and all %d other pods answered "
                   "without data",
                   who, others);
        return;
    }
    dec_set(d, ACT_WAIT, "S4", o, c->self, o->self_host, o->redis_port);
    dec_reason(d, "%s: that is me, my data dir is empty and %s did not answer: %s may hold data",
               who, silent.buf, silent.n > 1 ? "they" : "it");
}

/* S1-S8: a majority of the configured sentinels name one master. */
static void rule_s(const struct rctx *c, struct decision *d) {
    const struct observations *o = c->o;
    const struct vote_group *g = &c->t.groups[c->t.best];
    char who[DEC_REASON_MAX];
    dec_format(who, "%d of %d sentinels name %.*s:%d (majority %d)", g->count, c->n_sent,
               dec_group_len(g), g->host, g->port, c->majority);
    int is_self = g->peer >= 0 ? g->peer == c->self
                               : g->port == o->redis_port && host_equal(g->host, o->self_host);
    if (is_self) {
        rule_s_self(c, d, who);
        dec_warn_other_masters(o, d, c->self, c->self, who);
        return;
    }
    if (g->peer < 0) {
        /* Most likely a stale IP of a restarted pod: we cannot check it, and
         * the sentinels will not hand it over while they believe in it. */
        dec_set(d, ACT_WAIT, "S8", o, -1, g->host, g->port);
        dec_reason(d,
                   "%d of %d sentinels name %s:%d (majority %d), which is none of the %d "
                   "configured redis pods: waiting for them to name a pod",
                   g->count, c->n_sent, g->host, g->port, c->majority, c->n_redis);
        if (c->self >= 0 && strcmp(o->redis[c->self].p.addr, g->host) == 0)
            dec_warn(d,
                     "%s is my own address, but an address may have been reused: not "
                     "trusting it (set sentinel announce-hostnames)",
                     g->host);
        return;
    }
    const struct redis_obs *m = &o->redis[g->peer];
    char lead[DEC_REASON_MAX], desc[96];
    dec_describe(m, desc, sizeof desc);
    if (m->p.outcome == OUT_ANSWER && m->role == ROLE_MASTER) {
        dec_format(lead, "%s and it answers as master (%s)", who, desc);
        follow_guarded(c, d, g->peer, "S5", lead);
    } else if (m->p.outcome == OUT_ANSWER) {
        dec_set(d, ACT_WAIT, "S6", o, g->peer, NULL, 0);
        if (m->role == ROLE_REPLICA)
            dec_reason(d,
                       "%s but it answers as a replica of %.*s:%d: a failover is in progress "
                       "or the sentinels are stale",
                       who, dec_label_len(m->master_host), m->master_host, m->master_port);
        else
            dec_reason(d,
                       "%s but it answers with an unknown role: waiting until it answers "
                       "as master",
                       who);
    } else {
        /* Following a dead master loses nothing: the sentinels fail it over
         * and repoint us, and if it restarts empty its own redis-init will
         * not let it serve as master while we hold data (S2). */
        dec_set(d, ACT_FOLLOW, "S7", o, g->peer, NULL, 0);
        dec_reason(d,
                   "%s; it did not answer (%s): following it, the sentinels own the failover "
                   "of a dead master",
                   who, outcome_name(m->p.outcome));
    }
    dec_warn_other_masters(o, d, c->self, g->peer, who);
}

/* P1: no sentinel majority, but some peers answer as master. */
static void rule_p(const struct rctx *c, struct decision *d, int m, int n_claims,
                   const struct dec_list *claims) {
    const struct observations *o = c->o;
    const struct redis_obs *r = &o->redis[m];
    char lead[DEC_REASON_MAX], desc[96];
    if (n_claims > 1) dec_warn(d, "split brain: %d peers claim master: %s", n_claims, claims->buf);
    for (int g = 0; g < c->t.n_groups; g++)
        if (c->t.groups[g].peer != m)
            dec_warn(d, "%d of %d sentinels name %.*s:%d instead (majority %d)",
                     c->t.groups[g].count, c->n_sent, dec_group_len(&c->t.groups[g]),
                     c->t.groups[g].host, c->t.groups[g].port, c->majority);
    dec_describe(r, desc, sizeof desc);
    dec_format(lead,
               "no sentinel majority names a master (majority %d of %d); "
               "%.*s:%d answers as master (%s)",
               c->majority, c->n_sent, DEC_PEER(r), r->p.port, desc);
    follow_guarded(c, d, m, "P1", lead);
}

/* B1-B2: no master is known; could one exist that we cannot see? Returns 1
 * when it decided WAIT. */
static int rule_b_wait(const struct rctx *c, struct decision *d) {
    const struct observations *o = c->o;
    int votes = c->t.n_votes - (c->aside >= 0 ? c->t.groups[c->aside].count : 0), best = -1;
    if (votes > 0) {
        struct dec_list l = {{0}, 0};
        for (int g = 0; g < c->t.n_groups; g++) {
            if (g == c->aside) continue;
            if (best < 0 || c->t.groups[g].count > c->t.groups[best].count) best = g;
            dec_list_add(&l, "%.*s:%d (%d of %d)", dec_group_len(&c->t.groups[g]),
                         c->t.groups[g].host, c->t.groups[g].port, c->t.groups[g].count, c->n_sent);
        }
        const struct vote_group *b = &c->t.groups[best];
        dec_set(d, ACT_WAIT, "B1", o, b->peer, b->host, b->port);
        dec_reason(d, "a minority of sentinels name %s; waiting for a majority (%d)", l.buf,
                   c->majority);
        return 1;
    }
    struct dec_list unk = {{0}, 0};
    for (int i = 0; i < c->n_sent; i++)
        if (dec_sentinel_unknown(&o->sentinels[i]))
            dec_list_add(&unk, "%.*s (%s)", DEC_PEER(&o->sentinels[i]),
                         outcome_name(o->sentinels[i].p.outcome));
    for (int i = 0; i < c->n_redis; i++)
        if (is_other(c, i) && dec_redis_unknown(&o->redis[i]))
            dec_list_add(&unk, "%.*s (%s)", DEC_PEER(&o->redis[i]),
                         o->redis[i].p.outcome == OUT_ANSWER ? "role unknown"
                                                             : outcome_name(o->redis[i].p.outcome));
    if (unk.n > 0) {
        dec_set(d, ACT_WAIT, "B2", o, -1, NULL, 0);
        dec_reason(d, "no master is known, but I cannot rule one out at %s", unk.buf);
        return 1;
    }
    return 0;
}

/* B3, B5: nobody holds data (a fresh cluster): only ordinal 0 may start it. */
static void rule_b_fresh(const struct rctx *c, struct decision *d) {
    const struct observations *o = c->o;
    if (o->self_ordinal != 0) {
        const char *boot = NULL;
        for (int i = 0; i < c->n_redis && !boot; i++)
            if (o->redis[i].p.ordinal == 0) boot = o->redis[i].p.host;
        dec_set(d, ACT_WAIT, "B3", o, -1, NULL, 0);
        char mine[40];
        if (o->self_ordinal < 0) snprintf(mine, sizeof mine, "my pod name has no ordinal");
        else snprintf(mine, sizeof mine, "my ordinal is %d", o->self_ordinal);
        dec_reason(d,
                   "no master anywhere and no pod holds data; only %.*s may start a fresh "
                   "cluster (%s): waiting for a master",
                   boot ? dec_label_len(boot) : 20, boot ? boot : "the pod of ordinal 0", mine);
        return;
    }
    struct dec_list down = {{0}, 0};
    for (int i = 0; i < c->n_redis; i++)
        if (is_other(c, i) && o->redis[i].p.outcome != OUT_ANSWER)
            dec_list_add(&down, "%.*s", DEC_PEER(&o->redis[i]));
    /* A pod that exists (its name resolves) but is not answering yet, not
     * even through its beacon, cannot say whether it holds data: after a
     * full outage with a wiped volume here, it may. Give it a moment. A
     * name that does not exist is a pod not created yet (an OrderedReady
     * first start): that does not wait. */
    struct dec_list refused = {{0}, 0};
    for (int i = 0; i < c->n_redis; i++)
        if (is_other(c, i) && o->redis[i].p.outcome == OUT_REFUSED)
            dec_list_add(&refused, "%.*s", DEC_PEER(&o->redis[i]));
    if (refused.n && o->waited_ms < o->fresh_start_wait_ms) {
        dec_set(d, ACT_WAIT, "B10", o, -1, NULL, 0);
        dec_reason(d,
                   "no master anywhere and my data dir is empty, but %s (refused) cannot "
                   "report %s data yet: waiting %lld ms more before starting a fresh cluster",
                   refused.buf, refused.n > 1 ? "their" : "its",
                   o->fresh_start_wait_ms - o->waited_ms);
        return;
    }
    set_master(c, d, "B5");
    dec_reason(d, "no master anywhere; I am the bootstrap pod, my data dir is empty and no "
                  "answering pod holds data: starting a fresh cluster");
    if (down.n)
        dec_reason(d,
                   "%s could not report %s data: a pod holding data refuses to follow "
                   "an empty master (guard D) rather than be wiped",
                   down.buf, down.n > 1 ? "their" : "its");
}

/* The history of slot i: this pod's record, or what the peer reported. */
static const struct history *hist_of(const struct rctx *c, int i) {
    return i == c->self ? &c->o->self_hist : &c->o->redis[i].hist;
}

static const char *label_of(const struct rctx *c, int i, int *len) {
    const char *h = i == c->self ? c->o->self_host : c->o->redis[i].p.host;
    *len = dec_label_len(h);
    return h;
}

/* B8: the histories cannot be ranked; say which and how to get out. */
static void cold_unranked(const struct rctx *c, struct decision *d, enum newest_verdict v, int a,
                          int b) {
    char ha[96], hb[96];
    int la, lb;
    const char *na = label_of(c, a, &la), *nb = label_of(c, b, &lb);
    history_describe(hist_of(c, a), ha, sizeof ha);
    history_describe(hist_of(c, b), hb, sizeof hb);
    dec_set(d, ACT_WAIT, "B8", c->o, -1, NULL, 0);
    if (v == NEWEST_UNKNOWN)
        dec_reason(d,
                   "no master anywhere; %.*s holds data but has no recorded history, so no "
                   "pod can tell whether it is the newest",
                   la, na);
    else
        dec_reason(d,
                   "no master anywhere; the histories of %.*s (%s) and %.*s (%s) are not "
                   "linked by any record: no pod can tell which is newer",
                   la, na, ha, lb, nb, hb);
    if (c->o->adopt_set)
        dec_reason(d,
                   "[discovery] adopt (ordinal %d) does not apply: it chooses only among data "
                   "that no redis-init recorded, and only a pod that holds data",
                   c->o->adopt_ordinal);
    dec_reason(d, "an operator must choose: [discovery] adopt = <pod> when no pod's data has a "
                  "redis-init record (adopted volumes), else `redis-init run --master` on the pod "
                  "whose data to keep (docs/decision.md, cold start)");
}

/* B11: the histories cannot be ranked, every data holder is still deciding
 * and none has a redis-init record (data from another deployment: adopted
 * volumes), and [discovery] adopt names one of them: the operator's choice
 * wins. Returns 0 when adopt does not apply (then B8 says why). A record or
 * a running server anywhere makes adopt inert, so the setting left in place
 * never chooses between lines redis-init recorded. */
static int cold_adopted(const struct rctx *c, struct decision *d, const int *idx,
                        const struct history *h, int n) {
    const struct observations *o = c->o;
    int pick = -1;
    for (int k = 0; k < n; k++) {
        if (h[k].written_ms > 0 || (idx[k] != c->self && o->redis[idx[k]].role != ROLE_INIT))
            return 0;
        if (o->redis[idx[k]].p.ordinal == o->adopt_ordinal) pick = idx[k]; /* self's slot too */
    }
    if (pick < 0) return 0;
    int len;
    const char *name = label_of(c, pick, &len);
    if (pick == c->self) {
        set_master(c, d, "B11");
        dec_reason(d,
                   "no master anywhere; no pod's data carries a redis-init record (volumes "
                   "adopted from another deployment) and [discovery] adopt names me: starting "
                   "as master with my data (%s); the other pods will copy it",
                   o->self_data.summary);
    } else {
        dec_set(d, ACT_WAIT, "B11", o, pick, NULL, 0);
        dec_reason(d,
                   "no master anywhere; no pod's data carries a redis-init record and "
                   "[discovery] adopt names %.*s: waiting for it to start as master",
                   len, name);
    }
    return 1;
}

/* B4, B6-B9: no master anywhere and someone holds data. Only the newest
 * history may become master, so every pod must have reported (a pod that
 * is down may hold it); beacons let pods still deciding report. */
static void rule_b_cold(const struct rctx *c, struct decision *d) {
    const struct observations *o = c->o;
    struct dec_list down = {{0}, 0};
    for (int i = 0; i < c->n_redis; i++)
        if (is_other(c, i) && outcome_is_down(o->redis[i].p.outcome))
            dec_list_add(&down, "%.*s (%s)", DEC_PEER(&o->redis[i]),
                         outcome_name(o->redis[i].p.outcome));
    if (down.n) {
        dec_set(d, ACT_WAIT, "B7", o, -1, NULL, 0);
        dec_reason(d,
                   "no master anywhere and data exists, but %s cannot report %s history: "
                   "waiting for every pod, since the newest history may be there",
                   down.buf, down.n > 1 ? "their" : "its");
        return;
    }
    struct history h[OBS_MAX_PEERS];
    int idx[OBS_MAX_PEERS], n = 0, pick, ca, cb;
    for (int i = 0; i < c->n_redis; i++)
        if (i == c->self ? o->self_data.has_data : dec_holds_data(&o->redis[i])) {
            h[n] = *hist_of(c, i);
            idx[n++] = i;
        }
    enum newest_verdict v = history_newest(h, n, &pick, &ca, &cb);
    if (v == NEWEST_UNKNOWN || v == NEWEST_DIVERGED) {
        if (o->adopt_set && cold_adopted(c, d, idx, h, n)) return;
        cold_unranked(c, d, v, idx[ca], idx[cb < 0 ? ca : cb]);
        return;
    }
    int best = idx[pick], len;
    const char *name = label_of(c, best, &len);
    char desc[96];
    history_describe(&h[pick], desc, sizeof desc);
    if (best == c->self) {
        set_master(c, d, "B4");
        dec_reason(d,
                   "no master anywhere; every pod reported and mine is the newest history "
                   "(%s; %s)",
                   desc, o->self_data.summary);
        for (int k = 0; k < n; k++)
            /* On my own line a replica's record may be fresher than mine,
             * but its data is a prefix of mine: only other lines lose. */
            if (idx[k] != best && strcmp(h[k].id, h[pick].id) != 0 &&
                !history_contains(&h[pick], &h[k])) {
                char other[96];
                history_describe(&h[k], other, sizeof other);
                dec_warn(d,
                         "%.*s (%s) holds writes my history does not: Sentinel's own loss, "
                         "an old master's writes after another pod was promoted from it",
                         DEC_PEER(&o->redis[idx[k]]), other);
            }
    } else if (o->redis[best].role == ROLE_REPLICA) {
        dec_set(d, ACT_PROMOTE, "B6", o, best, NULL, 0);
        dec_reason(d,
                   "no master anywhere; %.*s holds the newest history (%s) and runs as a "
                   "replica: promoting it, then following it",
                   len, name, desc);
    } else {
        dec_set(d, ACT_WAIT, "B9", o, best, NULL, 0);
        dec_reason(d,
                   "no master anywhere; %.*s holds the newest history (%s): waiting for it "
                   "to start as master",
                   len, name, desc);
    }
}

/* B3-B9: no master anywhere, and nothing unknown could be one. */
static void rule_b(const struct rctx *c, struct decision *d) {
    int data = c->o->self_data.has_data;
    for (int i = 0; i < c->n_redis && !data; i++)
        data = is_other(c, i) && dec_holds_data(&c->o->redis[i]);
    if (data) rule_b_cold(c, d);
    else rule_b_fresh(c, d);
}

/* S10: the majority names M, a pod that is deciding (its beacon answered)
 * with an empty data dir, while data exists (here or at an answering peer)
 * and no peer runs as a replica. Guard D would refuse M, and the sentinels
 * cannot fail it over (there is no replica to promote): they would wait
 * forever on a master that holds nothing, typically an empty fresh master
 * that stepped down (rules/stepdown.h). Their choice is set aside and the
 * pods decide as if no majority named anyone (P, then B: the newest
 * history, once every pod reported). Returns the group, or -1. */
static int set_aside(const struct rctx *c) {
    const struct observations *o = c->o;
    const struct vote_group *g = &c->t.groups[c->t.best];
    if (g->peer < 0 || g->peer == c->self) return -1;
    const struct redis_obs *m = &o->redis[g->peer];
    if (m->p.outcome != OUT_ANSWER || m->role != ROLE_INIT || m->init_has_data) return -1;
    int data = o->self_data.has_data;
    for (int i = 0; i < c->n_redis; i++) {
        const struct redis_obs *r = &o->redis[i];
        if (!is_other(c, i) || r->p.outcome != OUT_ANSWER) continue;
        if (r->role == ROLE_REPLICA) return -1;
        data |= dec_holds_data(r);
    }
    return data ? c->t.best : -1;
}

void decide_redis(const struct observations *o, struct decision *d) {
    struct rctx c;
    memset(d, 0, sizeof *d);
    d->action = ACT_WAIT;
    d->peer_index = -1;
    c.o = o;
    c.n_sent = dec_n_sentinels(o);
    c.n_redis = dec_n_redis(o);
    c.majority = sentinel_majority(c.n_sent);
    c.self = find_self(o, c.n_redis);
    c.aside = -1;
    dec_tally(o, &c.t);

    struct dec_list claims = {{0}, 0};
    int n_claims = 0;
    int m = dec_pick_master(o, c.self, &n_claims, &claims);
    int majority = c.t.best >= 0 && c.t.groups[c.t.best].count >= c.majority;
    if (majority && (c.aside = set_aside(&c)) >= 0) majority = 0;
    if (majority) rule_s(&c, d);
    else if (m >= 0) rule_p(&c, d, m, n_claims, &claims);
    else if (!rule_b_wait(&c, d)) rule_b(&c, d);
    if (c.aside >= 0) {
        const struct vote_group *g = &c.t.groups[c.aside];
        dec_warn(d,
                 "S10: %d of %d sentinels name %.*s:%d, which is deciding with an empty data dir "
                 "while data exists and no replica runs: they cannot fail it over and guard D "
                 "refuses it, so their choice is set aside",
                 g->count, c.n_sent, dec_group_len(g), g->host, g->port);
    }

    char note[32];
    snprintf(note, sizeof note, "majority %d", c.majority);
    dec_context(o, d, note);
}
