/* credentials.c: see credentials.h. */
#include "rules/credentials.h"

#include <stdio.h>
#include <string.h>

/* The member's phase for gen: a marker of another generation counts as none. */
static enum creds_phase phase_for(const struct creds_member *m, const char *gen) {
    return strcmp(m->gen, gen) == 0 ? m->phase : CREDS_NONE;
}

static void wait_for(struct creds_verdict *v, const struct creds_member *m, const char *what) {
    v->step = CREDS_STEP_WAIT;
    if (!m->answered)
        snprintf(v->why, sizeof v->why, "%s does not answer: it must %s first", m->name, what);
    else snprintf(v->why, sizeof v->why, "%s has not yet: it must %s first", m->name, what);
}

/* Use: every member answered, holds the new passwords and marks >= accept. */
static void decide_use(const struct creds_world *w, struct creds_verdict *v) {
    for (int i = 0; i < w->n; i++) {
        const struct creds_member *m = &w->members[i];
        if (!m->answered || phase_for(m, w->gen) < CREDS_ACCEPT) {
            wait_for(v, m, "accept the new passwords");
            return;
        }
        if (!m->accepts_new) { /* its marker says accept, its ACL does not: the ACL wins */
            v->step = CREDS_STEP_WAIT;
            snprintf(v->why, sizeof v->why,
                     "%s marks accept but its ACL lacks a new password: it must accept them first",
                     m->name);
            return;
        }
    }
    v->step = CREDS_STEP_USE;
    snprintf(v->why, sizeof v->why, "every member (%d) accepts the new passwords", w->n);
}

/* Drop: a finish mark anywhere, else every member at use and the grace over. */
static void decide_drop(const struct creds_world *w, struct creds_verdict *v) {
    for (int i = 0; i < w->n; i++)
        if (w->members[i].answered && strcmp(w->members[i].gen, w->gen) == 0 &&
            w->members[i].finish) {
            v->step = CREDS_STEP_DROP;
            snprintf(v->why, sizeof v->why, "%s holds the finish mark", w->members[i].name);
            return;
        }
    for (int i = 0; i < w->n; i++) {
        const struct creds_member *m = &w->members[i];
        if (!m->answered || phase_for(m, w->gen) < CREDS_USE) {
            wait_for(v, m, "use the new passwords");
            return;
        }
    }
    v->all_use = 1;
    v->step = CREDS_STEP_WAIT;
    if (w->drop_by_command) {
        snprintf(v->why, sizeof v->why,
                 "every member uses the new passwords; [credentials] drop = command: "
                 "`credentials finish` drops the old ones");
        return;
    }
    int64_t since = w->all_use_since ? w->all_use_since : w->now_ms;
    int64_t left = since + w->grace_ms - w->now_ms;
    if (left <= 0) {
        v->step = CREDS_STEP_DROP;
        snprintf(v->why, sizeof v->why,
                 "every member uses the new passwords, and the grace (%lld ms) is over",
                 (long long)w->grace_ms);
        return;
    }
    v->wait_ms = left;
    snprintf(v->why, sizeof v->why,
             "every member uses the new passwords; the old ones go when the grace ends, in %lld ms",
             (long long)left);
}

void creds_decide(const struct creds_world *w, struct creds_verdict *v) {
    memset(v, 0, sizeof *v);
    switch (w->own) {
    case CREDS_NONE:
        v->step = CREDS_STEP_ACCEPT;
        snprintf(v->why, sizeof v->why, "new secrets (generation %s): accepting both passwords",
                 w->gen);
        return;
    case CREDS_ACCEPT: decide_use(w, v); return;
    case CREDS_USE: decide_drop(w, v); return;
    case CREDS_DONE:
        v->step = CREDS_STEP_NOTHING;
        snprintf(v->why, sizeof v->why, "generation %s is rolled out", w->gen);
        return;
    }
}

enum creds_finish creds_finish_decide(const char *gen, const struct creds_member *m, int n,
                                      char *why, size_t whylen) {
    int done = 0;
    for (int i = 0; i < n; i++) /* a member down first: nothing can be said of it */
        if (!m[i].answered) {
            snprintf(why, whylen, "%s does not answer: the old passwords stay", m[i].name);
            return CREDS_FINISH_DOWN;
        }
    for (int i = 0; i < n; i++) {
        enum creds_phase p = phase_for(&m[i], gen);
        if (p < CREDS_USE) {
            snprintf(why, whylen,
                     "%s is at %s for generation %s, not yet using the new passwords: the old "
                     "ones stay",
                     m[i].name, creds_phase_name(p), gen);
            return CREDS_FINISH_BEHIND;
        }
        done += p == CREDS_DONE;
    }
    if (done == n) {
        snprintf(why, whylen, "generation %s is rolled out: every member (%d) is done", gen, n);
        return CREDS_FINISH_ROLLED_OUT;
    }
    snprintf(why, whylen, "every member (%d) uses generation %s: the old passwords go now", n, gen);
    return CREDS_FINISH_MARK;
}
