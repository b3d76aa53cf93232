/* gate.h: admission to a probe's TLS handshake, the costly part of a probe.
 *
 * A round starts one probe per peer at once (round.h). In plain text that
 * costs next to nothing; over TLS each probe is a handshake worth a few ms
 * of CPU on each end, and on 2 cores the 29 handshakes of a 27 + 3 cluster
 * all finish together, late, although the decision usually needs only a
 * sentinel majority and the master they name. The gate lets `width`
 * handshakes run at once, best priority first: a majority of the sentinels,
 * then the pods an answered sentinel names as master, then the spare
 * sentinels, then the rest; and a waiter whose round no longer needs it
 * (decided, or past its deadline) leaves without dialling.
 *
 * The first two classes are what the decision needs; the last two are
 * speculative, needed only when one of those fails or they disagree. A
 * speculative handshake does not start while a needed probe is in
 * progress (from gate_need() to gate_done(): resolving, connecting,
 * handshaking, asking, and the round's caller weighing the answer), even
 * with a place free: on 2 cores it would halve the needed one's CPU (at
 * 3 + 3 the third sentinel and the replica slowed the master's handshake
 * 2x, docs/performance.md), or the caller's as it decides. Once the needed
 * ones are over and the round has not decided, the rest go as before.
 *
 * A waiter goes ahead anyway after GATE_PATIENCE_MS: a peer that accepts TCP
 * but never answers TLS (a stopped process) holds its place until its own
 * timeout, and must not hold up everyone behind it for longer than that.
 * Probes outside a round (check's local dial, the agent's tripwire) pass
 * no ticket and are not gated.
 */
#ifndef RI_GATE_H
#define RI_GATE_H

#include <stdatomic.h>

enum { GATE_SENTINEL = 0, GATE_NAMED = 1, GATE_SPARE = 2, GATE_OTHER = 3 };

#define GATE_PATIENCE_MS 100.0 /* the default; gate_set() */

struct gate_ticket {
    atomic_int prio;        /* GATE_*; may improve while waiting (then gate_wake) */
    const atomic_int *stop; /* nonzero: the answer is no longer wanted */
    /* the gate's own, under its lock */
    struct gate_ticket *next;
    unsigned long seq;
    double since;
    int needed; /* counted by gate_need(), until gate_done() */
};

/* Wait for a place (monotonic ms deadline). Returns 1 when admitted (then
 * gate_leave() once the TLS session is over), 0 when stop was set or the
 * deadline passed first. */
int gate_enter(struct gate_ticket *t, double deadline_ms);
void gate_leave(void);

/* A needed probe (prio GATE_SENTINEL or GATE_NAMED) starts, or is promoted;
 * and it is over, however it ended (twice is harmless). */
void gate_need(struct gate_ticket *t);
void gate_done(struct gate_ticket *t);
/* A ticket's prio or stop changed: let waiters look again. */
void gate_wake(void);

/* The rule, pure, for one waiter: 1 if it may go now. `better` counts the
 * waiters ahead of it by (prio, arrival), `needed` the needed probes in
 * progress; `speculative`: the waiter's prio is GATE_SPARE or worse. */
int gate_rule(int active, int width, int better, int needed, int speculative, double waited_ms,
              double patience_ms);

/* How many handshakes at once by default: the CPUs online, at least 2, at
 * most 8. */
int gate_width(void);

/* For tests: set the width and patience (0: keep), count the waiters and
 * the needed probes in progress. */
void gate_set(int width, double patience_ms);
int gate_queued(void);
int gate_needed(void);

#endif
