/* tally.c: vote tallies, peer predicates and master selection, shared by
 * both decisions and the lifecycle verdicts (see tally.h). Pure. */
#include "rules/tally.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int sentinel_majority(int n) { return n < 0 ? 1 : n / 2 + 1; }

static int clamp(int n) { return n < 0 ? 0 : n > OBS_MAX_PEERS ? OBS_MAX_PEERS : n; }

int dec_n_sentinels(const struct observations *o) { return clamp(o->n_sentinels); }
int dec_n_redis(const struct observations *o) { return clamp(o->n_redis); }

int dec_holds_data(const struct redis_obs *r) {
    if (r->p.outcome != OUT_ANSWER) return 0;
    return r->role == ROLE_INIT ? r->init_has_data : r->keys > 0 || r->loading;
}

int dec_redis_unknown(const struct redis_obs *r) {
    switch (r->p.outcome) {
    case OUT_SELF: return 0;
    case OUT_ANSWER:
        return r->role != ROLE_MASTER && r->role != ROLE_REPLICA && r->role != ROLE_INIT;
    default: return !outcome_is_down(r->p.outcome);
    }
}

int dec_sentinel_unknown(const struct sentinel_obs *s) {
    switch (s->p.outcome) {
    case OUT_SELF:
    case OUT_NIL_MASTER: return 0;
    case OUT_ANSWER: return s->master_host[0] == '\0';
    default: return !outcome_is_down(s->p.outcome);
    }
}

int dec_group_len(const struct vote_group *g) {
    return g->peer >= 0 ? dec_label_len(g->host) : (int)strnlen(g->host, OBS_HOST_MAX);
}

static int find_group(const struct tally *t, int peer, const char *host, int port) {
    for (int g = 0; g < t->n_groups; g++) {
        const struct vote_group *v = &t->groups[g];
        if (peer >= 0 ? v->peer == peer
                      : v->peer < 0 && v->port == port && host_equal(v->host, host))
            return g;
    }
    return -1;
}

void dec_tally(const struct observations *o, struct tally *t) {
    memset(t, 0, sizeof *t);
    t->best = -1;
    int n = dec_n_sentinels(o);
    for (int i = 0; i < n; i++) {
        const struct sentinel_obs *s = &o->sentinels[i];
        if (s->p.outcome != OUT_ANSWER || s->master_host[0] == '\0') continue;
        t->n_votes++;
        /* A sentinel may answer with an IP: resolve it to the pod so that it
         * counts with the sentinels that answered the pod's name. */
        int peer = obs_find_redis(o, s->master_host, s->master_port);
        int g = find_group(t, peer, s->master_host, s->master_port);
        if (g < 0) {
            g = t->n_groups++;
            struct vote_group *v = &t->groups[g];
            v->peer = peer;
            snprintf(v->host, sizeof v->host, "%s",
                     peer >= 0 ? o->redis[peer].p.host : s->master_host);
            v->port = peer >= 0 ? o->redis[peer].p.port : s->master_port;
        }
        t->groups[g].count++;
        if (t->best < 0 || t->groups[g].count > t->groups[t->best].count) t->best = g;
    }
}

int dec_ord_key(int ordinal) { return ordinal < 0 ? INT_MAX : ordinal; }

/* Is a a better master to follow than b? Data first: an empty master would
 * wipe every replica that follows it. Then the one the most replicas already
 * follow (least disruption), then the most recent history. */
static int better_master(const struct redis_obs *a, const struct redis_obs *b) {
    int da = dec_holds_data(a), db = dec_holds_data(b);
    if (da != db) return da > db;
    if (a->connected_replicas != b->connected_replicas)
        return a->connected_replicas > b->connected_replicas;
    if (a->offset != b->offset) return a->offset > b->offset;
    return dec_ord_key(a->p.ordinal) < dec_ord_key(b->p.ordinal);
}

int dec_pick_master(const struct observations *o, int skip, int *n_claims, struct dec_list *names) {
    int best = -1, n = dec_n_redis(o);
    *n_claims = 0;
    for (int i = 0; i < n; i++) {
        const struct redis_obs *r = &o->redis[i];
        if (i == skip || r->p.outcome != OUT_ANSWER || r->role != ROLE_MASTER) continue;
        (*n_claims)++;
        dec_list_add(names, "%.*s", DEC_PEER(r));
        if (best < 0 || better_master(r, &o->redis[best])) best = i;
    }
    return best;
}

void dec_warn_other_masters(const struct observations *o, struct decision *d, int skip_a,
                            int skip_b, const char *context) {
    struct dec_list l = {{0}, 0};
    int n = dec_n_redis(o);
    for (int i = 0; i < n; i++) {
        const struct redis_obs *r = &o->redis[i];
        if (i != skip_a && i != skip_b && r->p.outcome == OUT_ANSWER && r->role == ROLE_MASTER)
            dec_list_add(&l, "%.*s", DEC_PEER(r));
    }
    if (l.n > 0)
        dec_warn(d, "split brain: %s %s master while %s", l.buf, l.n > 1 ? "claim" : "claims",
                 context);
}

static void count_outcome(int counts[OUT__COUNT + 1], enum outcome out) {
    counts[(unsigned)out < OUT__COUNT ? (int)out : OUT__COUNT]++;
}

static void add_counts(struct dec_list *l, const int counts[OUT__COUNT + 1]) {
    for (int k = 0; k <= OUT__COUNT; k++)
        if (counts[k])
            dec_list_add(l, "%d %s", counts[k],
                         k < OUT__COUNT ? outcome_name((enum outcome)k) : "invalid");
}

void dec_context(const struct observations *o, struct decision *d, const char *majority_note) {
    int sc[OUT__COUNT + 1] = {0}, rc[OUT__COUNT + 1] = {0};
    int ns = dec_n_sentinels(o), nr = dec_n_redis(o);
    struct dec_list scl = {{0}, 0}, rcl = {{0}, 0}, missing = {{0}, 0};
    for (int i = 0; i < ns; i++) {
        const struct sentinel_obs *s = &o->sentinels[i];
        count_outcome(sc, s->p.outcome);
        if (s->p.outcome != OUT_ANSWER && s->p.outcome != OUT_NIL_MASTER &&
            s->p.outcome != OUT_SELF)
            dec_list_add(&missing, "%.*s (%s)", DEC_PEER(s), outcome_name(s->p.outcome));
    }
    for (int i = 0; i < nr; i++) {
        const struct redis_obs *r = &o->redis[i];
        count_outcome(rc, r->p.outcome);
        if (r->p.outcome != OUT_ANSWER && r->p.outcome != OUT_SELF)
            dec_list_add(&missing, "%.*s (%s)", DEC_PEER(r), outcome_name(r->p.outcome));
    }
    add_counts(&scl, sc);
    add_counts(&rcl, rc);
    dec_reason(d, "sentinels: %d configured, %s: %s", ns, majority_note, ns ? scl.buf : "none");
    dec_reason(d, "redis pods: %d configured: %s", nr, nr ? rcl.buf : "none");
    if (missing.n) dec_reason(d, "no answer from %s", missing.buf);
}
