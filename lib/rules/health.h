/* lifecycle.h: the Kubernetes probes (`check`) and the preStop handover
 * (`prestop`) as pure functions over what was observed, like decide.h.
 *
 * No I/O, no clock, no globals: the commands (cmd_check.c, cmd_prestop.c)
 * probe, call these, and carry out what they say. Rule ids ("R3", "H5") are
 * stable; docs/lifecycle.md is the table and test/unit/test_lifecycle.c has
 * a row for each.
 */
#ifndef RI_LIFECYCLE_H
#define RI_LIFECYCLE_H

#include "rules/decide.h"
#include "model/observation.h"

enum probe_kind { PROBE_READINESS = 0, PROBE_LIVENESS, PROBE_STARTUP };

/* "readiness", "liveness", "startup". */
const char *probe_kind_name(enum probe_kind k);

/* Exit codes of `check`; `prestop` uses CHECK_DOWN when it could not hand
 * over. Kubernetes only looks at zero / non-zero; the codes are for people. */
#define CHECK_PASS      0
#define CHECK_DOWN      69   /* EX_UNAVAILABLE: the local server does not answer */
#define CHECK_NOT_READY 75   /* EX_TEMPFAIL: it answers, but is not ready (yet) */
#define CHECK_AUTH      77   /* EX_NOPERM: the probe user was refused */

struct verdict {
    int code;                       /* CHECK_* */
    const char *rule;               /* "L1", "R5", "Q2", ...; static */
    char reason[DEC_REASON_MAX];
};

/* ---------------------------------------------------------------------------
 * check
 * ------------------------------------------------------------------------ */

/* What AUTH + PING on the local server gave (probe_ping). */
struct ping_obs {
    enum outcome outcome;
    char err_code[32];              /* "LOADING", "BUSY", "MASTERDOWN", ... or "" */
    char detail[160];
};

/* Liveness and startup, redis and sentinel (L1-L4): the server answers
 * within the bound; LOADING, BUSY and MASTERDOWN count as alive, so a long
 * RDB load or a slow script never gets the pod killed. */
void check_alive(const struct ping_obs *p, struct verdict *v);

/* Redis readiness (R1-R10). */
struct redis_check_obs {
    struct redis_obs local;          /* INFO of the pod's own server */
    char self_host[OBS_HOST_MAX];    /* the name sentinels know this pod by */
    int self_port;
    int n_sentinels;                 /* configured */
    struct sentinel_obs sentinels[OBS_MAX_PEERS];
};
void check_redis_ready(const struct redis_check_obs *o, struct verdict *v);

/* 1 when no probe still outstanding (OUT_NOT_AWAITED) could change the
 * verdict, so the round may stop waiting for a dead sentinel. */
int check_redis_settled(const struct redis_check_obs *o);

/* Sentinel readiness (Q1-Q6): it could take part in a failover now. */
struct sentinel_check_obs {
    struct sentinel_master_obs own;  /* SENTINEL MASTER <group> on the local sentinel */
    struct redis_obs master;         /* INFO of the master it names (p.outcome OUT_ERROR if not asked) */
    int n_sentinels;                 /* configured, this one included */
};
void check_sentinel_ready(const struct sentinel_check_obs *o, struct verdict *v);

/* ---------------------------------------------------------------------------
 * prestop (redis): hand the master role over before the pod stops
 * ------------------------------------------------------------------------ */

enum prestop_step {
    PS_WAIT = 0,      /* observe again shortly */
    PS_PAUSE,         /* CLIENT PAUSE <time left> WRITE on the local server */
    PS_FAILOVER,      /* SENTINEL FAILOVER on sentinel `target` */
    PS_DEMOTE,        /* REPLICAOF <redis peer `target`> on the local server */
    PS_UNPAUSE,       /* CLIENT UNPAUSE: the local server is a replica now */
    PS_DONE,          /* finished; exit with `code` (unpause first if still paused) */
};

/* What the command remembers between rounds (it updates this after
 * carrying out a step). Times are ms since prestop started. */
struct prestop_state {
    int paused;                      /* CLIENT PAUSE accepted */
    long long pause_offset;          /* local master_repl_offset once paused, -1 before */
    int failover_sent;               /* a sentinel accepted SENTINEL FAILOVER */
    double failover_tried_at;        /* last attempt, accepted or not; -1 if none */
    int unpaused;                    /* CLIENT UNPAUSE done (or the pause expired) */
};

struct prestop_obs {
    double now_ms, bound_ms;         /* elapsed since start; the prestop-timeout */
    struct prestop_state st;
    int self;                        /* index of this pod in round.redis (its INFO, from 127.0.0.1) */
    struct observations round;       /* every redis pod (self included) and sentinel */
};

struct prestop_decision {
    enum prestop_step step;
    int code;                        /* PS_DONE: 0 handed over / nothing to do, CHECK_DOWN failed */
    const char *rule;                /* "H1".. ; static */
    int target;                      /* PS_FAILOVER: sentinel index; PS_DEMOTE: redis index */
    char reason[DEC_REASON_MAX];
};

/* Minimum time between two SENTINEL FAILOVER attempts while none was
 * accepted (a refusal such as -NOGOODSLAVE may clear a moment later). */
#define PRESTOP_RETRY_MS 500.0

void prestop_next(const struct prestop_obs *o, struct prestop_decision *d);

/* sentinel-init prestop (G1-G3): wait only while this sentinel leads a
 * failover (flags contain failover_in_progress). */
void prestop_sentinel_next(const struct sentinel_master_obs *own, double now_ms, double bound_ms,
                           struct prestop_decision *d);

#endif
