/* decide.c: redis-init's role decision, rules S (sentinel majority), P (no
 * majority, a peer answers as master), B (bootstrap) and the data guard D.
 * docs/decision.md is the table; each rule below names its row. Pure: no
 * I/O, no clock, no globals: a decision can be replayed from a JSON dump. */
#include <stdio.h>
#include <string.h>

#include "decide_int.h"

struct rctx {
    const struct observations *o;
    struct tally t;
    int n_sent, n_redis, majority;
    int self;                    /* own index in o->redis, -1 if not listed */
};

/* OUT_SELF marks our own slot; fall back to the name for callers that did
 * not mark it. */
static int find_self(const struct observations *o, int n)
{
    for (int i = 0; i < n; i++)
        if (o->redis[i].p.outcome == OUT_SELF)
            return i;
    for (int i = 0; i < n; i++)
        if (o->redis[i].p.port == o->redis_port && host_equal(o->redis[i].p.host, o->self_host))
            return i;
    return -1;
}

static int is_other(const struct rctx *c, int i)
{
    return i != c->self && c->o->redis[i].p.outcome != OUT_SELF;
}

static void set_master(const struct rctx *c, struct decision *d, const char *rule)
{
    dec_set(d, ACT_MASTER, rule, c->o, c->self, c->o->self_host, c->o->redis_port);
}

/* The most up-to-date data holder among the other answered pods: highest
 * offset, then most keys, then lowest ordinal. -1 if none holds data. */
static int best_holder(const struct rctx *c)
{
    int best = -1;
    for (int i = 0; i < c->n_redis; i++) {
        const struct redis_obs *r = &c->o->redis[i];
        if (!is_other(c, i) || !dec_holds_data(r))
            continue;
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
static int guard_refuses(const struct observations *o, const struct redis_obs *m)
{
    const struct local_data *ld = &o->self_data;
    if (!ld->has_data || m->keys > 0 || m->loading)
        return 0;
    if (ld->replid[0] == '\0')
        return 1;
    if (strcmp(ld->replid, m->replid) == 0)
        return ld->offset > m->offset && ld->offset >= 0 && m->offset >= 0;
    if (m->replid2[0] && strcmp(ld->replid, m->replid2) == 0)
        return !(ld->offset >= 0 && ld->offset <= m->second_offset);
    return 1;
}

/* FOLLOW peer m under rule, unless guard D refuses (then WAIT, rule D1).
 * lead: the decisive sentence explaining why m is the master. */
static void follow_guarded(const struct rctx *c, struct decision *d, int m, const char *rule,
                           const char *lead)
{
    const struct observations *o = c->o;
    const struct redis_obs *r = &o->redis[m];
    if (!guard_refuses(o, r)) {
        dec_set(d, ACT_FOLLOW, rule, o, m, NULL, 0);
        dec_reason(d, "%s", lead);
        return;
    }
    dec_set(d, ACT_WAIT, "D1", o, m, NULL, 0);
    dec_reason(d, "refusing to follow %.*s:%d: it holds no keys while my data dir holds data (%s)",
               DEC_PEER(r), r->p.port, o->self_data.summary);
    dec_reason(d, "my data (repl-id %.8s, offset %lld) is not part of its history (repl-id %.8s, "
               "offset %lld; replid2 %.8s up to %lld): following it would wipe my data",
               o->self_data.replid[0] ? o->self_data.replid : "unknown", o->self_data.offset,
               r->replid[0] ? r->replid : "unknown", r->offset,
               r->replid2[0] ? r->replid2 : "none", r->second_offset);
    dec_reason(d, "to keep this data, stop %.*s and copy this data dir onto its volume; "
               "to discard it, empty this pod's data dir", DEC_PEER(r));
    dec_reason(d, "%s", lead);
}

/* S1-S4: the sentinels name this pod. */
static void rule_s_self(const struct rctx *c, struct decision *d, const char *who)
{
    const struct observations *o = c->o;
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
        dec_reason(d, "%s: that is me, but my data dir is empty while %.*s holds data (%s): "
                   "asking the sentinels to fail over", who, DEC_PEER(&o->redis[h]), desc);
        return;
    }
    struct dec_list silent = {{0}, 0};
    int others = 0;
    for (int i = 0; i < c->n_redis; i++) {
        if (!is_other(c, i))
            continue;
        others++;
        /* An answer we cannot read (role unknown) is no proof of emptiness. */
        if (o->redis[i].p.outcome != OUT_ANSWER || dec_redis_unknown(&o->redis[i]))
            dec_list_add(&silent, "%.*s (%s)", DEC_PEER(&o->redis[i]),
                         o->redis[i].p.outcome == OUT_ANSWER
                             ? "role unknown" : outcome_name(o->redis[i].p.outcome));
    }
    if (silent.n == 0) {
        set_master(c, d, "S3");
        dec_reason(d, "%s: that is me; my data dir is empty and all %d other pods answered "
                   "without data", who, others);
        return;
    }
    dec_set(d, ACT_WAIT, "S4", o, c->self, o->self_host, o->redis_port);
    dec_reason(d, "%s: that is me, my data dir is empty and %s did not answer: %s may hold data",
               who, silent.buf, silent.n > 1 ? "they" : "it");
}

/* S1-S8: a majority of the configured sentinels name one master. */
static void rule_s(const struct rctx *c, struct decision *d)
{
    const struct observations *o = c->o;
    const struct vote_group *g = &c->t.groups[c->t.best];
    char who[DEC_REASON_MAX];
    dec_format(who, "%d of %d sentinels name %.*s:%d (majority %d)", g->count,
             c->n_sent, dec_group_len(g), g->host, g->port, c->majority);
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
        dec_reason(d, "%d of %d sentinels name %s:%d (majority %d), which is none of the %d "
                   "configured redis pods: waiting for them to name a pod", g->count, c->n_sent,
                   g->host, g->port, c->majority, c->n_redis);
        if (c->self >= 0 && strcmp(o->redis[c->self].p.addr, g->host) == 0)
            dec_warn(d, "%s is my own address, but an address may have been reused: not "
                     "trusting it (set sentinel announce-hostnames)", g->host);
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
            dec_reason(d, "%s but it answers as a replica of %.*s:%d: a failover is in progress "
                       "or the sentinels are stale", who, dec_label_len(m->master_host),
                       m->master_host, m->master_port);
        else
            dec_reason(d, "%s but it answers with an unknown role: waiting until it answers "
                       "as master", who);
    } else {
        /* Following a dead master loses nothing: the sentinels fail it over
         * and repoint us, and if it restarts empty its own redis-init will
         * not let it serve as master while we hold data (S2). */
        dec_set(d, ACT_FOLLOW, "S7", o, g->peer, NULL, 0);
        dec_reason(d, "%s; it did not answer (%s): following it, the sentinels own the failover "
                   "of a dead master", who, outcome_name(m->p.outcome));
    }
    dec_warn_other_masters(o, d, c->self, g->peer, who);
}

/* P1: no sentinel majority, but some peers answer as master. */
static void rule_p(const struct rctx *c, struct decision *d, int m, int n_claims,
                   const struct dec_list *claims)
{
    const struct observations *o = c->o;
    const struct redis_obs *r = &o->redis[m];
    char lead[DEC_REASON_MAX], desc[96];
    if (n_claims > 1)
        dec_warn(d, "split brain: %d peers claim master: %s", n_claims, claims->buf);
    for (int g = 0; g < c->t.n_groups; g++)
        if (c->t.groups[g].peer != m)
            dec_warn(d, "%d of %d sentinels name %.*s:%d instead (majority %d)",
                     c->t.groups[g].count, c->n_sent, dec_group_len(&c->t.groups[g]),
                     c->t.groups[g].host, c->t.groups[g].port, c->majority);
    dec_describe(r, desc, sizeof desc);
    dec_format(lead, "no sentinel majority names a master (majority %d of %d); "
             "%.*s:%d answers as master (%s)", c->majority, c->n_sent, DEC_PEER(r), r->p.port,
             desc);
    follow_guarded(c, d, m, "P1", lead);
}

/* B1-B3: no master is known; is it safe for anyone to bootstrap? Returns 1
 * when it decided WAIT. */
static int rule_b_wait(const struct rctx *c, struct decision *d)
{
    const struct observations *o = c->o;
    if (c->t.n_votes > 0) {
        struct dec_list l = {{0}, 0};
        for (int g = 0; g < c->t.n_groups; g++)
            dec_list_add(&l, "%.*s:%d (%d of %d)", dec_group_len(&c->t.groups[g]),
                         c->t.groups[g].host, c->t.groups[g].port, c->t.groups[g].count, c->n_sent);
        const struct vote_group *b = &c->t.groups[c->t.best];
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
    if (o->self_ordinal != 0) {
        const char *boot = NULL;
        for (int i = 0; i < c->n_redis && !boot; i++)
            if (o->redis[i].p.ordinal == 0)
                boot = o->redis[i].p.host;
        dec_set(d, ACT_WAIT, "B3", o, -1, NULL, 0);
        char mine[40];
        if (o->self_ordinal < 0)
            snprintf(mine, sizeof mine, "my pod name has no ordinal");
        else
            snprintf(mine, sizeof mine, "my ordinal is %d", o->self_ordinal);
        dec_reason(d, "no master anywhere; only %.*s may bootstrap (%s): waiting for a master",
                   boot ? dec_label_len(boot) : 20, boot ? boot : "the pod of ordinal 0", mine);
        return 1;
    }
    return 0;
}

/* B4-B6: this is the bootstrap pod and nothing serves as master. */
static void rule_b_boot(const struct rctx *c, struct decision *d)
{
    const struct observations *o = c->o;
    char desc[96];
    if (o->self_data.has_data) {
        set_master(c, d, "B4");
        dec_reason(d, "no master anywhere; I am the bootstrap pod and my data dir holds data (%s)",
                   o->self_data.summary);
        for (int i = 0; i < c->n_redis; i++)
            if (is_other(c, i) && dec_holds_data(&o->redis[i])) {
                dec_describe(&o->redis[i], desc, sizeof desc);
                dec_warn(d, "%.*s also holds data (%s) and will resync from me (my offset %lld)",
                         DEC_PEER(&o->redis[i]), desc, o->self_data.offset);
            }
        return;
    }
    int h = best_holder(c);
    if (h < 0) {
        struct dec_list down = {{0}, 0};
        for (int i = 0; i < c->n_redis; i++)
            if (is_other(c, i) && o->redis[i].p.outcome != OUT_ANSWER)
                dec_list_add(&down, "%.*s", DEC_PEER(&o->redis[i]));
        set_master(c, d, "B5");
        dec_reason(d, "no master anywhere; I am the bootstrap pod, my data dir is empty and no "
                   "answering pod holds data: starting a fresh cluster");
        if (down.n)
            dec_reason(d, "%s could not report %s data: a pod holding data refuses to follow "
                       "an empty master (guard D) rather than be wiped", down.buf,
                       down.n > 1 ? "their" : "its");
        return;
    }
    dec_describe(&o->redis[h], desc, sizeof desc);
    dec_set(d, ACT_PROMOTE, "B6", o, h, NULL, 0);
    dec_reason(d, "no master anywhere; I am the bootstrap pod and my data dir is empty, but "
               "%.*s holds data (%s): promoting it, then following it", DEC_PEER(&o->redis[h]),
               desc);
}

void decide_redis(const struct observations *o, struct decision *d)
{
    struct rctx c;
    memset(d, 0, sizeof *d);
    d->action = ACT_WAIT;
    d->peer_index = -1;
    c.o = o;
    c.n_sent = dec_n_sentinels(o);
    c.n_redis = dec_n_redis(o);
    c.majority = sentinel_majority(c.n_sent);
    c.self = find_self(o, c.n_redis);
    dec_tally(o, &c.t);

    struct dec_list claims = {{0}, 0};
    int n_claims = 0;
    int m = dec_pick_master(o, c.self, &n_claims, &claims);
    if (c.t.best >= 0 && c.t.groups[c.t.best].count >= c.majority)
        rule_s(&c, d);
    else if (m >= 0)
        rule_p(&c, d, m, n_claims, &claims);
    else if (!rule_b_wait(&c, d))
        rule_b_boot(&c, d);

    char note[32];
    snprintf(note, sizeof note, "majority %d", c.majority);
    dec_context(o, d, note);
}
