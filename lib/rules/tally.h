/* decide_int.h: helpers shared by decide.c (redis-init rules) and
 * decide_sentinel.c (sentinel-init rules). Not a public interface: include
 * decide.h everywhere else. */
#ifndef RI_DECIDE_INT_H
#define RI_DECIDE_INT_H

#include <stddef.h>
#include "rules/decide.h"

#define DEC_FMT(a, b) __attribute__((format(printf, a, b)))

/* Print a peer by its first DNS label: "%.*s", DEC_PEER(r). */
#define DEC_PEER(r) dec_label_len((r)->p.host), (r)->p.host

/* Sentinels that named the same master, whichever spelling they used: a
 * name and an IP that obs_find_redis maps to the same pod are one group. */
struct vote_group {
    int peer;                    /* index in observations.redis, -1 if not a pod */
    char host[OBS_HOST_MAX];     /* the pod's own host name when peer >= 0 */
    int port;
    int count;
};

/* Length to print of a group's host: the pod's first label, or the whole
 * name when it is no configured pod (then the label alone could mislead). */
int dec_group_len(const struct vote_group *g);

struct tally {
    int n_votes;                 /* sentinels that named some master */
    int n_groups;
    struct vote_group groups[OBS_MAX_PEERS];
    int best;                    /* group with most votes (first on ties), -1 if none */
};

/* A bounded ", "-separated list for reasons; silently truncated. */
struct dec_list {
    char buf[DEC_REASON_MAX];
    int n;
};
void dec_list_add(struct dec_list *l, const char *fmt, ...) DEC_FMT(2, 3);

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

/* Length of host to print in reasons: its first DNS label, or all of it for
 * an IP address. */
int dec_label_len(const char *host);

/* "keys 12, offset 340, replicas 2" (+ ", loading"). */
void dec_describe(const struct redis_obs *r, char *buf, size_t size);

/* The answered master to follow or monitor among redis peers (skip: index to
 * ignore, -1 for none): data holders first, then most connected replicas,
 * highest offset, lowest ordinal, lowest index. -1 if no peer claims
 * master. *n_claims counts the claimants, names lists them. */
int dec_pick_master(const struct observations *o, int skip, int *n_claims,
                    struct dec_list *names);

/* Split-brain warning for answered masters other than skip_a/skip_b. */
void dec_warn_other_masters(const struct observations *o, struct decision *d,
                            int skip_a, int skip_b, const char *context);

/* The ordered reason/warning lists; full lists drop further entries (the
 * decisive reason is always added first). */
void dec_reason(struct decision *d, const char *fmt, ...) DEC_FMT(2, 3);
/* A sentence into a DEC_REASON_MAX buffer, truncation marked with "...". */
void dec_format(char buf[DEC_REASON_MAX], const char *fmt, ...) DEC_FMT(2, 3);
void dec_warn(struct decision *d, const char *fmt, ...) DEC_FMT(2, 3);

/* Set action, rule and target (peer >= 0 copies its host and port,
 * otherwise host/port, which may be NULL/0). */
void dec_set(struct decision *d, enum action a, const char *rule,
             const struct observations *o, int peer, const char *host, int port);

/* Context reasons after the decisive one: outcome counts per role and the
 * peers that did not answer. majority_note: "majority 2". */
void dec_context(const struct observations *o, struct decision *d, const char *majority_note);

#endif
