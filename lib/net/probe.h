/* probe.h: asking peers, all at once.
 *
 * One round probes every configured redis pod and sentinel concurrently
 * (one thread each), every probe bounded by the probe timeout for the whole
 * of resolve + connect + AUTH + query. The caller gets the round back after
 * at most about one timeout, whatever the number of unresponsive peers:
 * probes still stuck (a hung resolver) are abandoned and reported as
 * OUT_TIMEOUT; their threads finish into memory they co-own.
 *
 * Connections: our own non-blocking connect() with poll() (so refused,
 * unreachable and timeout are told apart), then hiredis on the socket
 * (redisConnectFd; replies read with poll() + redisBufferRead/Write +
 * redisGetReplyFromReader so the timeout bounds the whole reply, not each
 * read()): the subset common to 0.14 and 1.x. SIGPIPE is blocked per thread
 * around each conversation; no process-wide handler is installed.
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

struct probe_config {
    int timeout_ms;
    const char *master_name;
    const char *redis_user, *redis_pass;        /* probe user on redis pods */
    const char *sentinel_user, *sentinel_pass;  /* client user on sentinels */
    /* Optional. Called on the caller's thread each time probes finish, with
     * the round so far (probes still running shown as OUT_NOT_AWAITED).
     * Returning 1 ends the round at once; the probes still running keep
     * OUT_NOT_AWAITED. Lets a decision that nothing outstanding can change
     * (decision_settled()) skip waiting for dead peers. */
    int (*settled)(const struct observations *so_far, void *ctx);
    void *settled_ctx;
};

/* Probe every entry of o->redis[0..n_redis) and o->sentinels[0..n_sentinels)
 * whose p.host is set and p.outcome != OUT_SELF; fills the rest of each
 * entry (p.ordinal, p.host, p.port are kept; every other field is reset).
 * Other entries are left untouched. Returns within timeout_ms plus a margin
 * of 50 ms + timeout/10 (max 500 ms). Returns 0, or EX_OSERR if threads
 * cannot be started (entries not started are OUT_ERROR). */
int probe_round(const struct probe_config *cfg, struct observations *o, ri_err *e);

/* The same, one peer, on the calling thread. */
void probe_redis(const struct probe_config *cfg, struct redis_obs *r);
void probe_sentinel(const struct probe_config *cfg, struct sentinel_obs *s);

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

/* One command that must answer +OK (or a status starting with OK), e.g.
 * CLIENT PAUSE, REPLICAOF host port. 0, or EX_UNAVAILABLE with a message
 * (never containing the password) naming `what`. */
int probe_action(const char *host, int port, const char *user, const char *pass, int timeout_ms,
                 int argc, const char **argv, const char *what, ri_err *e);

/* Actions (used by redis-init's run/render, never by discover):
 * SENTINEL FAILOVER <group> on one sentinel (admin user), and
 * REPLICAOF NO ONE on one redis pod (admin user). 0 on "+OK", else
 * EX_UNAVAILABLE with a message (never containing the password).
 * err_code (may be NULL) gets the first word of an error reply ("INPROG",
 * "NOGOODSLAVE"), or "". */
int probe_sentinel_failover(const char *host, int port, const char *user, const char *pass,
                            const char *master_name, int timeout_ms, char err_code[32], ri_err *e);
int probe_replicaof_no_one(const char *host, int port, const char *user, const char *pass,
                           int timeout_ms, ri_err *e);

#endif
