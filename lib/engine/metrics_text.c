/* metrics_text.c: the agent's metrics in the text format (see
 * metrics_text.h; docs/observability.md lists them). */
#include "engine/metrics_text.h"

#include <stdio.h>
#include <string.h>

#include "base/expo.h"

#define P "redis_init_"

/* One family with one unlabelled sample. */
static int one(struct buf *b, const char *name, const char *type, const char *help, double v) {
    return expo_family(b, name, type, help) || expo_sample(b, name, NULL, v);
}

static const char *decided_role(const struct decision_summary *d) {
    switch (d->action) {
    case ACT_MASTER: return "master";
    case ACT_FOLLOW: return "replica";
    case ACT_MONITOR: return "sentinel";
    default: return action_name(d->action);
    }
}

static int common(const struct metrics_view *v, struct buf *b) {
    const struct decision_summary *d = v->boot;
    const struct settings *s = v->s;
    char master[OBS_HOST_MAX + 8] = "";
    if (d->master[0]) snprintf(master, sizeof master, "%s:%d", d->master, d->master_port);
    const char *flavour = s->flavour == FLAVOUR_VALKEY ? "valkey" : "redis";
    if (expo_family(b, P "build_info", "gauge", "Version and server flavour; always 1.") ||
        expo_sample(b, P "build_info",
                    (const char *[]){"version", v->version, "program", v->program, "flavour",
                                     flavour, NULL},
                    1) ||
        one(b, P "agent_uptime_seconds", "gauge", "Seconds since the agent started.",
            v->uptime_s) ||
        expo_family(b, P "decision_info", "gauge",
                    "The decision the running role comes from: its rule, role and master; 1.") ||
        expo_sample(b, P "decision_info",
                    (const char *[]){"rule", d->rule ? d->rule : "", "role", decided_role(d),
                                     "master", master, NULL},
                    1) ||
        one(b, P "decision_duration_seconds", "gauge", "How long that decision took.",
            d->elapsed_ms / 1000.0) ||
        one(b, P "decision_rounds", "gauge", "Observation rounds that decision took.", d->rounds))
        return -1;
    const char *const redis[] = {"kind", "redis", NULL}, *const sent[] = {"kind", "sentinel", NULL};
    if (expo_family(b, P "decision_peers", "gauge",
                    "Other pods of each kind the decision asked.") ||
        expo_sample(b, P "decision_peers", redis, d->redis_peers) ||
        expo_sample(b, P "decision_peers", sent, d->sentinels) ||
        expo_family(b, P "decision_peers_answered", "gauge", "Of those, the ones that answered.") ||
        expo_sample(b, P "decision_peers_answered", redis, d->redis_answered) ||
        expo_sample(b, P "decision_peers_answered", sent, d->sentinels_answered) ||
        one(b, P "decision_redis_timeouts", "gauge",
            "Redis pods that did not answer within the probe timeout at that decision.",
            d->redis_timeouts) ||
        one(b, P "decision_redis_unknown", "gauge",
            "Redis pods whose state that decision could not know (timeouts, DNS or auth failures).",
            d->redis_unknown) ||
        one(b, P "decision_sentinels_agreeing", "gauge",
            "The most sentinels that named one same master at that decision.",
            d->sentinels_agreeing))
        return -1;
    if (expo_family(b, P "expected_pods", "gauge", "Pods of each kind the settings configure.") ||
        expo_sample(b, P "expected_pods", redis, s->redis_replicas) ||
        expo_sample(b, P "expected_pods", sent, s->sentinel_replicas) ||
        one(b, P "config_quorum", "gauge", "The sentinels' quorum, as rendered.", s->quorum) ||
        one(b, P "config_min_replicas_to_write", "gauge",
            "min-replicas-to-write, as rendered (0: no fencing).", s->min_replicas_to_write))
        return -1;
    return 0;
}

/* A server's figure that it may not report (-1): no sample then. */
static int maybe(struct buf *b, const char *name, const char *help, long long v) {
    return v < 0 ? 0 : one(b, name, "gauge", help, (double)v);
}

/* Counters of the data volume: they outlive the process that handed over. */
static int handovers(const struct handover_counts *h, struct buf *b) {
    if (expo_family(b, P "handovers_total", "counter",
                    "Handovers on SIGTERM or prestop of this pod's server, by result "
                    "(kept on its data volume).") < 0)
        return -1;
    for (int r = 0; r < HANDOVER__COUNT; r++)
        if (expo_sample(b, P "handovers_total",
                        (const char *[]){"result", handover_result_name(r), NULL}, (double)h->n[r]))
            return -1;
    if (!h->last_at) return 0;
    return expo_family(b, P "last_handover_timestamp_seconds", "gauge",
                       "When the last handover ended (unix time), with its result and rule.") ||
                   expo_sample(
                       b, P "last_handover_timestamp_seconds",
                       (const char *[]){"result", h->last_result, "rule", h->last_rule, NULL},
                       (double)h->last_at)
               ? -1
               : 0;
}

static int redis_pod(const struct metrics_view *v, struct buf *b) {
    const struct server_stats *st = v->stats;
    int up = st->p.outcome == OUT_ANSWER;
    int fenced = up && st->role == ROLE_MASTER && v->s->min_replicas_to_write >= 1 &&
                 st->good_replicas >= 0 && st->good_replicas < v->s->min_replicas_to_write;
    const char *const master[] = {"role", "master", NULL}, *const replica[] = {"role", "replica",
                                                                               NULL};
    if (expo_family(b, P "server_role", "gauge",
                    "1 for the role the local server had at the agent's last look, else 0.") ||
        expo_sample(b, P "server_role", master, v->role == ROLE_MASTER) ||
        expo_sample(b, P "server_role", replica, v->role == ROLE_REPLICA) ||
        one(b, P "role_changes_total", "counter",
            "Role changes of the local server the agent has seen.", (double)v->role_changes) ||
        one(b, P "history_record_age_seconds", "gauge",
            "Seconds since the history record last matched the local server "
            "(since the agent started, if it never has).",
            v->record_age_s >= 0 ? v->record_age_s : v->uptime_s) ||
        one(b, P "server_up", "gauge", "1 when the local server answered this scrape's INFO.",
            up) ||
        (v->handovers && handovers(v->handovers, b)))
        return -1;
    if (!up) return 0;
    return maybe(b, P "server_connected_clients", "Clients connected to the local server.",
                 st->connected_clients) ||
                   maybe(b, P "server_maxclients", "The local server's maxclients.",
                         st->maxclients) ||
                   maybe(b, P "server_good_replicas",
                         "Replicas the fence counts as good (min_slaves_good_slaves).",
                         st->good_replicas) ||
                   one(b, P "fenced", "gauge",
                       "1 when the local master refuses writes: fewer good replicas than "
                       "min-replicas-to-write.",
                       fenced) ||
                   one(b, P "fenced_writes_total", "counter",
                       "Writes the local server refused for want of good replicas (NOREPLICAS).",
                       st->fenced_writes < 0 ? 0 : (double)st->fenced_writes)
               ? -1
               : 0;
}

static int sentinel_pod(const struct metrics_view *v, struct buf *b) {
    const struct sentinel_master_obs *m = v->sentinel;
    int up = m->p.outcome == OUT_ANSWER;
    if (one(b, P "sentinel_up", "gauge",
            "1 when the local sentinel answered SENTINEL MASTER for the group this scrape.", up))
        return -1;
    if (!up) return 0;
    char master[OBS_HOST_MAX + 8];
    snprintf(master, sizeof master, "%s:%d", m->master_host, m->master_port);
    return expo_family(b, P "sentinel_master_info", "gauge",
                       "The master the local sentinel names; 1.") ||
                   expo_sample(b, P "sentinel_master_info",
                               (const char *[]){"master", master, NULL}, 1) ||
                   one(b, P "sentinel_master_ok", "gauge",
                       "1 when the local sentinel flags its master as nothing but master.",
                       strcmp(m->flags, "master") == 0) ||
                   one(b, P "sentinel_reachable_sentinels", "gauge",
                       "Other sentinels the local one can reach now.", m->reachable_sentinels) ||
                   one(b, P "sentinel_reachable_replicas", "gauge",
                       "Replicas the local sentinel can reach now.", m->reachable_replicas) ||
                   one(b, P "sentinel_quorum", "gauge",
                       "The quorum the local sentinel monitors with.", m->quorum)
               ? -1
               : 0;
}

int metrics_text(const struct metrics_view *v, struct buf *b) {
    if (common(v, b)) return -1;
    if (v->stats) return redis_pod(v, b);
    if (v->sentinel) return sentinel_pod(v, b);
    return 0;
}
