/* probe.h: the reads. A probe asks one peer, in one session (session.h),
 * bounded by the probe timeout for the whole of resolve + connect + AUTH +
 * query; round.h asks every peer at once. Nothing here changes a server:
 * the writes are admin.h's.
 *
 * Details ("connect: connection refused", "auth: timeout after 1000 ms",
 * "dns: no answer within 1000 ms" for probes abandoned at the deadline,
 * "INFO replication: NOPERM ...") are for humans, never contain a password,
 * and are not a stable interface: match on the outcome.
 *
 * Queries:
 *  - redis pods, as the probe user: AUTH, INFO replication, INFO persistence,
 *    INFO keyspace (pipelined);
 *  - sentinels, as the sentinel client user: AUTH,
 *    SENTINEL GET-MASTER-ADDR-BY-NAME <group>.
 */
#ifndef RI_PROBE_H
#define RI_PROBE_H

#include "base/err.h"
#include "model/observation.h"
#include "net/session.h"

struct probe_config {
    int timeout_ms;
    const char *master_name;
    const char *redis_user, *redis_pass;       /* probe user on redis pods */
    const char *sentinel_user, *sentinel_pass; /* client user on sentinels */
    /* Optional. Called on the caller's thread each time probes finish, with
     * the round so far (probes still running shown as OUT_NOT_AWAITED).
     * Returning 1 ends the round at once; the probes still running keep
     * OUT_NOT_AWAITED. Lets a decision that nothing outstanding can change
     * (decision_settled()) skip waiting for dead peers. */
    int (*settled)(const struct observations *so_far, void *ctx);
    void *settled_ctx;
};

/* One peer, on the calling thread. */
void probe_redis(const struct probe_config *cfg, struct redis_obs *r);
void probe_sentinel(const struct probe_config *cfg, struct sentinel_obs *s);

/* The same, started at t0 (a round starts every probe's clock at once),
 * reporting its phase through tr (may be NULL). */
void probe_redis_tracked(const struct probe_config *cfg, struct redis_obs *r, double t0,
                         const struct tracker *tr);
void probe_sentinel_tracked(const struct probe_config *cfg, struct sentinel_obs *s, double t0,
                            const struct tracker *tr);

/* Reset everything but ordinal, host and port. */
void probe_clear_redis(struct redis_obs *r);
void probe_clear_sentinel(struct sentinel_obs *s);

/* Liveness: AUTH (when pass is set) + PING on p->host:p->port, bounded by
 * timeout_ms. OUT_ANSWER means PONG; otherwise err_code gets the code of an
 * error reply ("LOADING", "BUSY", "MASTERDOWN", "NOAUTH", "" if none), so the
 * caller can tell a server that is alive but busy from one that is not. */
enum outcome probe_ping(struct peer_common *p, const char *user, const char *pass, int timeout_ms,
                        char err_code[32]);

/* SENTINEL MASTER <group> on the sentinel m->p.host:m->p.port. OUT_ANSWER
 * fills the master's address, flags and counts; a sentinel that does not
 * monitor the group is OUT_NIL_MASTER. */
void probe_sentinel_master(struct sentinel_master_obs *m, const char *user, const char *pass,
                           const char *master_name, int timeout_ms);

/* INFO clients replication errorstats (one command: Redis 7, Valkey) on
 * st->p.host:st->p.port, for the agent's metrics. */
void probe_stats(struct server_stats *st, const char *user, const char *pass, int timeout_ms);

#endif
