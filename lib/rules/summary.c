/* summary.c: a decision in counts and one line (see summary.h). */
#include "rules/summary.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

void summarize_decision(const struct observations *o, const struct decision *d, double elapsed_ms,
                        int rounds, struct decision_summary *s) {
    memset(s, 0, sizeof *s);
    s->rule = d->rule ? d->rule : "";
    s->action = d->action;
    if (d->action == ACT_FOLLOW || d->action == ACT_MONITOR) {
        snprintf(s->master, sizeof s->master, "%s", d->host);
        s->master_port = d->port;
    }
    for (int i = 0; i < dec_n_redis(o); i++) {
        enum outcome out = o->redis[i].p.outcome;
        if (out == OUT_SELF) continue;
        s->redis_peers++;
        s->redis_answered += out == OUT_ANSWER;
        s->redis_timeouts += out == OUT_TIMEOUT;
        s->redis_unknown += dec_redis_unknown(&o->redis[i]);
    }
    struct tally t;
    dec_tally(o, &t);
    for (int i = 0; i < dec_n_sentinels(o); i++) {
        enum outcome out = o->sentinels[i].p.outcome;
        s->sentinels += out != OUT_SELF;
        s->sentinels_answered += out == OUT_ANSWER;
    }
    s->sentinels_agreeing = t.best >= 0 ? t.groups[t.best].count : 0;
    s->elapsed_ms = elapsed_ms;
    s->rounds = rounds;
}

static int role_words(const struct decision_summary *s, char *buf, size_t len) {
    switch (s->action) {
    case ACT_MASTER: return snprintf(buf, len, "master");
    case ACT_FOLLOW: return snprintf(buf, len, "replica of %s:%d", s->master, s->master_port);
    case ACT_MONITOR: return snprintf(buf, len, "sentinel of %s:%d", s->master, s->master_port);
    default: return snprintf(buf, len, "%s", action_name(s->action));
    }
}

int summary_line(const struct decision_summary *s, char *buf, size_t len) {
    char role[OBS_HOST_MAX + 32];
    role_words(s, role, sizeof role);
    /* Nothing was observed: the command line said it. */
    if (strcmp(s->rule, "override") == 0)
        return snprintf(buf, len, "%s (override on the command line; nothing observed)", role);
    return snprintf(buf, len,
                    "%s (rule %s); sentinels: %d of %d answered, %d agree; redis peers: %d of %d "
                    "answered, %d timed out, %d unknown; %.0f ms, %d round%s",
                    role, s->rule, s->sentinels_answered, s->sentinels, s->sentinels_agreeing,
                    s->redis_answered, s->redis_peers, s->redis_timeouts, s->redis_unknown,
                    s->elapsed_ms, s->rounds, s->rounds == 1 ? "" : "s");
}
