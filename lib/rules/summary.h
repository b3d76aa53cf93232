/* summary.h: a boot decision in a few counts and one line, for readers
 * that come after the log has scrolled away: the container's termination
 * message (`kubectl describe pod`) and the agent's metrics. Pure.
 *
 *   replica of redis-1:6379 (rule S5); sentinels: 3 of 3 answered, 3 agree;
 *   redis peers: 2 of 2 answered, 0 timed out, 0 unknown; 41 ms, 1 round
 *
 * or, for a role from the command line, "master (override on the command
 * line; nothing observed)". */
#ifndef RI_SUMMARY_H
#define RI_SUMMARY_H

#include <stddef.h>

#include "model/observation.h"
#include "rules/decision.h"

struct decision_summary {
    const char *rule; /* static; "override" when the role came from the command line */
    enum action action;
    char master[OBS_HOST_MAX]; /* FOLLOW / MONITOR: the master; else "" */
    int master_port;
    /* The other redis pods (this pod is not counted). */
    int redis_peers, redis_answered, redis_timeouts, redis_unknown;
    /* The other sentinels; agreeing: the most that named one same master. */
    int sentinels, sentinels_answered, sentinels_agreeing;
    double elapsed_ms;
    int rounds;
};

void summarize_decision(const struct observations *o, const struct decision *d, double elapsed_ms,
                        int rounds, struct decision_summary *s);

/* The line above into buf (always NUL-terminated); its length, as snprintf. */
int summary_line(const struct decision_summary *s, char *buf, size_t len);

#endif
