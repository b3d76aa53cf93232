/* tally.h: counting what a round saw: the sentinels' votes, which peers
 * hold data or are unknown, the master to follow, and the context
 * sentences of a decision. Shared by both decisions (decide.c,
 * decide_sentinel.c) and the lifecycle verdicts (health.c, handover.c).
 * Pure. */
#ifndef RI_TALLY_H
#define RI_TALLY_H

#include <stddef.h>

#include "model/observation.h"
#include "rules/decision.h"
#include "rules/explain.h"

/* Majority of n configured sentinels: n/2 + 1. */
int sentinel_majority(int n);

/* Sentinels that named the same master, whichever spelling they used: a
 * name and an IP that obs_find_redis maps to the same pod are one group. */
struct vote_group {
    int peer;                /* index in observations.redis, -1 if not a pod */
    char host[OBS_HOST_MAX]; /* the pod's own host name when peer >= 0 */
    int port;
    int count;
};

/* Length to print of a group's host: the pod's first label, or the whole
 * name when it is no configured pod (then the label alone could mislead). */
int dec_group_len(const struct vote_group *g);

struct tally {
    int n_votes; /* sentinels that named some master */
    int n_groups;
    struct vote_group groups[OBS_MAX_PEERS];
    int best; /* group with most votes (first on ties), -1 if none */
};

/* Counts clamped to [0, OBS_MAX_PEERS]: a corrupt count must not read past
 * the arrays. */
int dec_n_sentinels(const struct observations *o);
int dec_n_redis(const struct observations *o);

/* Group the masters named by answered sentinels, skipping OUT_SELF. */
void dec_tally(const struct observations *o, struct tally *t);

/* Answered with keys or while loading an RDB/AOF, or a beacon (ROLE_INIT)
 * whose data dir holds data: it holds data. */
int dec_holds_data(const struct redis_obs *r);

/* Neither a definite answer nor definitely down: the peer may be running and
 * may be a master. Covers timeout, dns-failure, auth-failed, error, answers
 * we cannot read (role unknown, no master name) and out-of-range values. */
int dec_redis_unknown(const struct redis_obs *r);
int dec_sentinel_unknown(const struct sentinel_obs *s);

/* Sort key for "lowest ordinal": unknown ordinals (-1) after every real one. */
int dec_ord_key(int ordinal);

/* The answered master to follow or monitor among redis peers (skip: index to
 * ignore, -1 for none): data holders first, then most connected replicas,
 * highest offset, lowest ordinal, lowest index. -1 if no peer claims
 * master. *n_claims counts the claimants, names lists them. */
int dec_pick_master(const struct observations *o, int skip, int *n_claims, struct dec_list *names);

/* Split-brain warning for answered masters other than skip_a/skip_b. */
void dec_warn_other_masters(const struct observations *o, struct decision *d, int skip_a,
                            int skip_b, const char *context);

/* Context reasons after the decisive one: outcome counts per role and the
 * peers that did not answer. majority_note: "majority 2". */
void dec_context(const struct observations *o, struct decision *d, const char *majority_note);

#endif
