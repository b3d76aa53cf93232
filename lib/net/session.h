/* session.h: one bounded conversation with a peer, what probe.c (the
 * reads), admin.c (the writes) and round.c (many at once) are made of.
 *
 * session_converse() resolves p->host, connects (our own non-blocking
 * connect bounded by poll(), so refused, unreachable and timeout differ),
 * speaks TLS when tls_on() (tls.h: the handshake is bounded the same way
 * and verifies the peer's name), pipelines AUTH (when pass is set) and n commands, lets fill() read the
 * replies, and closes; p gets the outcome, a detail, the address and the
 * elapsed time. One budget, timeout_ms from t0, bounds the whole of it:
 * replies are read with poll() and hiredis's reader, so a peer trickling
 * bytes cannot hold us. SIGPIPE is blocked per thread around the
 * conversation; no process-wide handler is installed. Details never contain
 * the password.
 */
#ifndef RI_SESSION_H
#define RI_SESSION_H

#include <hiredis/hiredis.h>
#include <pthread.h>

#include "model/observation.h"
#include "net/gate.h"

/* Commands one conversation pipelines at most (aclget: the marker and 16 users). */
#define SESSION_MAX_COMMANDS 17

enum phase { PH_DNS = 0, PH_CONNECT, PH_TLS, PH_AUTH, PH_QUERY };
extern const char *const session_phase_names[]; /* indexed by enum phase */

/* Where a running session is, so that an abandoned one can be reported by
 * phase. mu is NULL for sessions on the calling thread. */
struct tracker {
    pthread_mutex_t *mu;
    int *phase;
    char *addr;               /* 64 bytes */
    struct gate_ticket *gate; /* NULL: the TLS handshake is not gated (gate.h) */
};

struct session;

/* Reads the replies of a conversation into obs; returns its outcome. */
typedef enum outcome (*session_fill_fn)(struct session *s, void *obs, redisReply **rep);

/* err_code (may be NULL) gets the first word of an error reply ("LOADING"). */
void session_converse(struct peer_common *p, double t0, int timeout_ms, const char *user,
                      const char *pass, const struct tracker *tr, int n, const char **argv[],
                      const int argc[], session_fill_fn fill, void *obs, char err_code[32]);

/* Only connect (resolve, TCP, TLS when on), bounded by timeout_ms, and hand
 * the connected context over (redisFree() it); NULL with detail set. For a
 * long-lived connection (the agent's tripwire). */
redisContext *session_connect(const char *host, int port, int timeout_ms, char *detail,
                              size_t dlen);

/* With TLS on: connect to host:port and hand back the SHA-256 of the
 * certificate the peer presents (a fresh handshake, name verified). 0, or
 * -1 with detail set. */
int session_peer_fingerprint(const char *host, int port, int timeout_ms, unsigned char out[32],
                             char *detail, size_t dlen);

/* The human detail of the session's peer (scrubbed of the password). */
void session_detail(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A string reply (or RESP3 verbatim) with text. */
int session_is_text(const redisReply *r);

/* Keep what identifies the peer (ordinal, host, port), clear the rest. */
void peer_clear(struct peer_common *p);

#endif
