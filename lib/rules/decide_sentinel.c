/* decide_sentinel.c: sentinel-init's decision (rules T1-T4 of
 * docs/decision.md): which master a starting sentinel monitors. Pure. */
#include <stdio.h>
#include <string.h>

#include "rules/decide.h"
#include "rules/tally.h"

/* T1: join what the other sentinels agree on, even a master we cannot see:
 * a sentinel that disagrees with its group would only add noise to its
 * quorum. */
static void rule_t1(const struct observations *o, struct decision *d, const struct tally *t,
                    int n_peers, int majority) {
    const struct vote_group *g = &t->groups[t->best];
    char who[DEC_REASON_MAX];
    dec_format(who, "%d of %d peer sentinels name %.*s:%d", g->count, n_peers, dec_group_len(g),
               g->host, g->port);
    dec_set(d, ACT_MONITOR, "T1", o, g->peer, g->host, g->port);
    dec_reason(d, "%s (majority of the peers %d): monitoring it", who, majority);
    if (g->peer < 0)
        dec_warn(d, "%s:%d is none of the %d configured redis pods", g->host, g->port,
                 dec_n_redis(o));
    dec_warn_other_masters(o, d, g->peer, g->peer, who);
}

/* T2: no agreement among the peers; take the master the redis pods show. */
static void rule_t2(const struct observations *o, struct decision *d, const struct tally *t, int m,
                    int n_claims, const struct dec_list *claims) {
    const struct redis_obs *r = &o->redis[m];
    char desc[96];
    dec_describe(r, desc, sizeof desc);
    if (n_claims > 1)
        dec_warn(d, "split brain: %d redis pods claim master: %s", n_claims, claims->buf);
    for (int g = 0; g < t->n_groups; g++)
        if (t->groups[g].peer != m)
            dec_warn(d, "%d peer sentinels name %.*s:%d instead", t->groups[g].count,
                     dec_group_len(&t->groups[g]), t->groups[g].host, t->groups[g].port);
    dec_set(d, ACT_MONITOR, "T2", o, m, NULL, 0);
    dec_reason(d,
               "no majority of peer sentinels names a master; %.*s:%d answers as master (%s): "
               "monitoring it",
               DEC_PEER(r), r->p.port, desc);
}

/* A master that holds nothing, never had a replica, and is fenced took no
 * write and may yet step down (an empty fresh start beside peers that hold
 * data, rules/stepdown.h): monitoring it would leave the sentinels behind
 * on it. */
static int fresh_fenced(const struct observations *o, const struct redis_obs *r) {
    return o->fence >= 1 && r->keys == 0 && r->connected_replicas == 0 && !r->backlog_active &&
           r->offset == 0;
}

/* T4: the one master the pods show is an empty fresh one: wait for its
 * first replica. */
static void rule_t4(const struct observations *o, struct decision *d, int m) {
    const struct redis_obs *r = &o->redis[m];
    dec_set(d, ACT_WAIT, "T4", o, -1, NULL, 0);
    dec_reason(d,
               "%.*s:%d answers as master but holds nothing and no replica has attached (fenced, "
               "it takes no write, and may yet step down): waiting for its first replica",
               DEC_PEER(r), r->p.port);
}

void decide_sentinel(const struct observations *o, struct decision *d) {
    memset(d, 0, sizeof *d);
    d->action = ACT_WAIT;
    d->peer_index = -1;

    struct tally t;
    dec_tally(o, &t); /* skips our own slot (OUT_SELF) */
    int n = dec_n_sentinels(o), n_peers = 0;
    for (int i = 0; i < n; i++)
        if (o->sentinels[i].p.outcome != OUT_SELF) n_peers++;
    int majority = sentinel_majority(n_peers);

    struct dec_list claims = {{0}, 0};
    int n_claims = 0;
    int m = dec_pick_master(o, -1, &n_claims, &claims);
    if (n_peers > 0 && t.best >= 0 && t.groups[t.best].count >= majority) {
        rule_t1(o, d, &t, n_peers, majority);
    } else if (m >= 0 && fresh_fenced(o, &o->redis[m])) {
        rule_t4(o, d, m);
    } else if (m >= 0) {
        rule_t2(o, d, &t, m, n_claims, &claims);
    } else {
        dec_set(d, ACT_WAIT, "T3", o, -1, NULL, 0);
        dec_reason(d,
                   "no majority of the %d peer sentinels names a master and no redis pod "
                   "answers as master: waiting for a redis server",
                   n_peers);
    }

    char note[48];
    snprintf(note, sizeof note, "%d peers, majority of the peers %d", n_peers, majority);
    dec_context(o, d, note);
}
