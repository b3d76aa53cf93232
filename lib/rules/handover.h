/* handover.h: handing the master role over before the server stops (the
 * `prestop` hook), as a pure step function over what was observed, like
 * decide.h.
 *
 * No I/O, no clock, no globals: engine/handover.c observes, calls
 * handover_next(), carries out the step, updates the state, and observes
 * again. Rule ids ("H5", "G2") are stable; docs/lifecycle.md is the table
 * and test/unit/test_lifecycle.c has a row for each.
 */
#ifndef RI_HANDOVER_H
#define RI_HANDOVER_H

#include <sysexits.h>

#include "model/observation.h"
#include "rules/explain.h"

enum handover_step {
    PS_WAIT = 0, /* observe again shortly */
    PS_PAUSE,    /* CLIENT PAUSE <time left> WRITE on the local server */
    PS_FAILOVER, /* SENTINEL FAILOVER on sentinel `target` */
    PS_DEMOTE,   /* REPLICAOF <redis peer `target`> on the local server */
    PS_UNPAUSE,  /* CLIENT UNPAUSE: the local server is a replica now */
    PS_DONE,     /* finished; exit with `code` (unpause first if still paused) */
};

/* What the runner remembers between rounds (it updates this after
 * carrying out a step). Times are ms since prestop started. */
struct handover_state {
    int paused;               /* CLIENT PAUSE accepted */
    long long pause_offset;   /* local master_repl_offset once paused, -1 before */
    int failover_sent;        /* a sentinel accepted SENTINEL FAILOVER */
    double failover_tried_at; /* last attempt, accepted or not; -1 if none */
    int unpaused;             /* CLIENT UNPAUSE done (or the pause expired) */
    int interrupted;          /* the runner was told to stop (a second SIGTERM) */
};

struct handover_obs {
    double now_ms, bound_ms; /* elapsed since start; the prestop-timeout */
    struct handover_state st;
    int self;                  /* index of this pod in round.redis (its INFO, from 127.0.0.1) */
    struct observations round; /* every redis pod (self included) and sentinel */
};

struct handover_decision {
    enum handover_step step;
    int code;         /* PS_DONE: 0 handed over / nothing to do, EX_UNAVAILABLE failed */
    const char *rule; /* "H1".. ; static */
    int target;       /* PS_FAILOVER: sentinel index; PS_DEMOTE: redis index */
    char reason[DEC_REASON_MAX];
};

/* Minimum time between two SENTINEL FAILOVER attempts while none was
 * accepted (a refusal such as -NOGOODSLAVE may clear a moment later). */
#define HANDOVER_RETRY_MS 500.0

void handover_next(const struct handover_obs *o, struct handover_decision *d);

/* sentinel-init's prestop (G1-G3): wait only while this sentinel leads a
 * failover (flags contain failover_in_progress). */
void handover_sentinel_next(const struct sentinel_master_obs *own, double now_ms, double bound_ms,
                            struct handover_decision *d);

#endif
