/* health.h: the verdicts of the Kubernetes probes that `check` answers
 * (liveness, readiness, startup), as pure functions over what was observed,
 * like decide.h.
 *
 * No I/O, no clock, no globals: engine/health.c observes, calls these, and
 * the command exits with the verdict's code. Rule ids ("L1", "R3", "Q5")
 * are stable; docs/lifecycle.md is the table and test/unit/test_lifecycle.c
 * has a row for each.
 */
#ifndef RI_HEALTH_H
#define RI_HEALTH_H

#include <sysexits.h>

#include "model/observation.h"
#include "rules/explain.h"

enum health_kind { HEALTH_READINESS = 0, HEALTH_LIVENESS, HEALTH_STARTUP };

/* "readiness", "liveness", "startup". */
const char *health_kind_name(enum health_kind k);

/* The verdict codes, which `check` exits with. Kubernetes only looks at
 * zero / non-zero; the codes are for people. */
#define HEALTH_PASS      0
#define HEALTH_DOWN      EX_UNAVAILABLE /* 69: the local server does not answer */
#define HEALTH_NOT_READY EX_TEMPFAIL    /* 75: it answers, but is not ready (yet) */
#define HEALTH_AUTH      EX_NOPERM      /* 77: the probe user was refused */

struct verdict {
    int code;         /* HEALTH_* */
    const char *rule; /* "L1", "R5", "Q2", ...; static */
    char reason[DEC_REASON_MAX];
};

/* What AUTH + PING on the local server gave (probe_ping). */
struct ping_obs {
    enum outcome outcome;
    char err_code[32]; /* "LOADING", "BUSY", "MASTERDOWN", ... or "" */
    char detail[160];
    /* The pod's secrets are of a generation its agent has not yet taken,
     * or is taking (config/creds.h; a live rotation starting here): a
     * refused probe user is expected for a moment. */
    int secrets_ahead;
};

/* Liveness and startup, redis and sentinel (L1-L5): the server answers
 * within the bound; LOADING, BUSY and MASTERDOWN count as alive, so a long
 * RDB load or a slow script never gets the pod killed, and so does a refusal
 * of the probe user while the secrets are ahead of the server (L5). */
void health_alive(const struct ping_obs *p, struct verdict *v);

/* Redis readiness (R1-R10). */
struct redis_health_obs {
    struct redis_obs local;       /* INFO of the pod's own server */
    char self_host[OBS_HOST_MAX]; /* the name sentinels know this pod by */
    int self_port;
    int n_sentinels; /* configured */
    struct sentinel_obs sentinels[OBS_MAX_PEERS];
};
void health_redis_ready(const struct redis_health_obs *o, struct verdict *v);

/* 1 when no probe still outstanding (OUT_NOT_AWAITED) could change the
 * verdict, so the round may stop waiting for a dead sentinel. */
int health_redis_settled(const struct redis_health_obs *o);

/* Sentinel readiness (Q1-Q6): it could take part in a failover now. */
struct sentinel_health_obs {
    struct sentinel_master_obs own; /* SENTINEL MASTER <group> on the local sentinel */
    struct redis_obs master; /* INFO of the master it names (p.outcome OUT_ERROR if not asked) */
    int n_sentinels;         /* configured, this one included */
};
void health_sentinel_ready(const struct sentinel_health_obs *o, struct verdict *v);

#endif
