/* metrics_text.h: the agent's metrics (docs/observability.md), rendered
 * in the Prometheus text format from a view of plain values. Pure: the
 * agent's metrics module gathers the view, this writes it, and the unit
 * tests (and `promtool check metrics` in the integration suite) read it.
 *
 * Every family is prefixed redis_init_. No value is ever a secret: the view
 * holds counts, rule ids, roles, host names and settings. */
#ifndef RI_METRICS_TEXT_H
#define RI_METRICS_TEXT_H

#include "base/buf.h"
#include "config/settings.h"
#include "model/handovers.h"
#include "model/observation.h"
#include "rules/summary.h"

struct metrics_view {
    const char *program; /* "redis-init" / "sentinel-init" */
    const char *version;
    const struct settings *s;
    const struct decision_summary *boot; /* the decision the running role comes from */
    double uptime_s;                     /* since the agent started */
    /* redis pods: what the agent's watch saw (role: ROLE_UNKNOWN before
     * its first look) and the server's own figures (stats.p.outcome). */
    enum role role;
    long long role_changes;
    double record_age_s; /* since the history record last matched the server; < 0: never */
    const struct server_stats *stats;
    const struct handover_counts *handovers; /* the data volume's counts (model/handovers.h) */
    /* sentinel pods: this sentinel's view of the master group (SENTINEL MASTER). */
    const struct sentinel_master_obs *sentinel;
};

/* 0, or -1 when out of memory. */
int metrics_text(const struct metrics_view *v, struct buf *b);

#endif
