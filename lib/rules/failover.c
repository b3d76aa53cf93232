/* failover.c: pacing of the S2 failover request (see failover.h). */
#include "rules/failover.h"

#include <string.h>

void failover_pace_init(struct failover_pace *p) {
    p->leader = p->skipped = -1;
    p->leader_at = p->tried_at = -1e18;
}

static int names_host(const struct observations *o, const char *host, int port) {
    if (!host[0] || port != o->redis_port) return 0;
    if (host_equal(host, o->self_host)) return 1;
    int peer = obs_find_redis(o, host, port);
    return peer >= 0 && host_equal(o->redis[peer].p.host, o->self_host);
}

static int names_self(const struct observations *o, int i) {
    const struct sentinel_obs *s = &o->sentinels[i];
    return s->p.outcome == OUT_ANSWER && names_host(o, s->master_host, s->master_port);
}

int failover_next(const struct observations *o, const struct failover_pace *p, double now_ms,
                  double patience_ms) {
    int n = o->n_sentinels;
    if (now_ms - p->tried_at < FAILOVER_RETRY_MS) return -1;
    if (p->leader >= 0 && p->leader < n && now_ms - p->leader_at < patience_ms)
        return names_self(o, p->leader) ? p->leader : -1;
    /* The first that names us, starting after the one that last failed us:
     * a sentinel that keeps refusing must not stop the others being asked. */
    int start = p->skipped >= 0 && p->skipped < n ? p->skipped + 1 : 0;
    for (int k = 0; k < n; k++) {
        int i = (start + k) % n;
        if (names_self(o, i)) return i;
    }
    return -1;
}

enum failover_verdict failover_check(const struct observations *o,
                                     const struct sentinel_master_obs *m) {
    if (m->p.outcome != OUT_ANSWER) return FC_UNREACHABLE;
    if (strstr(m->flags, "failover_in_progress")) return FC_RUNNING;
    if (!names_host(o, m->master_host, m->master_port)) return FC_SWITCHED;
    return FC_ASK;
}
