/* stepdown.c: an empty fresh master gives way (rules F, see stepdown.h). */
#include "rules/stepdown.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

const char *stepdown_step_name(enum stepdown_step s) {
    static const char *const names[] = {"stay", "step-down", "done"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static void set(struct stepdown_verdict *v, enum stepdown_step s, const char *rule) {
    v->step = s;
    v->rule = rule;
}

/* Not an empty fresh master (any more): why, or NULL while it is one. */
static const char *not_fresh(const struct stepdown_obs *o) {
    const struct redis_obs *me = &o->self;
    if (!o->start_rule || strcmp(o->start_rule, "B5") != 0)
        return "the server was not started as a fresh cluster (B5)";
    if (!o->fenced) return "writes are not fenced (min-replicas-to-write 0)";
    if (me->role != ROLE_MASTER) return "the server is no master";
    if (me->keys > 0 || me->loading) return "the server holds data";
    if (me->connected_replicas > 0 || me->backlog_active || me->offset > 0)
        return "a replica has attached: the cluster formed around this master";
    return NULL;
}

/* The first peer that reports data, or -1. */
static int peer_with_data(const struct observations *r) {
    for (int i = 0; i < dec_n_redis(r); i++)
        if (r->redis[i].p.outcome != OUT_SELF && dec_holds_data(&r->redis[i])) return i;
    return -1;
}

void stepdown_next(const struct stepdown_obs *o, struct stepdown_verdict *v) {
    const struct observations *r = o->round;
    memset(v, 0, sizeof *v);
    if (o->self.p.outcome != OUT_ANSWER) {
        set(v, SD_STAY, "F2");
        dec_format(v->reason, "the local server does not answer (%s): looking again",
                   outcome_name(o->self.p.outcome));
        return;
    }
    const char *why = not_fresh(o);
    if (why) {
        set(v, SD_DONE, "F1");
        dec_format(v->reason, "%s: nothing to step down from", why);
        return;
    }
    int p = peer_with_data(r);
    if (p >= 0) {
        char desc[96];
        dec_describe(&r->redis[p], desc, sizeof desc);
        set(v, SD_STEP_DOWN, "F3");
        dec_format(v->reason,
                   "%.*s holds data (%s) while this empty fresh master took no write: "
                   "stepping down to decide again",
                   DEC_PEER(&r->redis[p]), desc);
        return;
    }
    struct tally t;
    dec_tally(r, &t);
    int maj = sentinel_majority(dec_n_sentinels(r));
    if (t.best >= 0 && t.groups[t.best].count >= maj &&
        !(t.groups[t.best].port == r->redis_port &&
          host_equal(t.groups[t.best].host, r->self_host))) {
        const struct vote_group *g = &t.groups[t.best];
        set(v, SD_STEP_DOWN, "F4");
        dec_format(v->reason,
                   "%d of %d sentinels name %.*s:%d, not this empty fresh master: "
                   "stepping down to decide again",
                   g->count, dec_n_sentinels(r), dec_group_len(g), g->host, g->port);
        return;
    }
    set(v, SD_STAY, "F2");
    dec_format(v->reason, "an empty fresh master; no peer reports data");
}
