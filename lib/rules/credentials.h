/* credentials.h: the next step of a live credential rotation on this pod
 * (issue 21; docs/design/credentials-plan.md §2-3).
 *
 * A rotation moves every member (every configured server and sentinel)
 * through three phases for one generation G of the secrets:
 *   accept  the member accepts the old and the new passwords;
 *   use     its own links (masterauth, auth-pass, sentinel-pass, our
 *           probes) use the new ones;
 *   done    the old passwords are gone.
 * Each member records its phase in a marker user of its own ACL
 * (model/credentials.h), which every pod reads with ACL GETUSER beside the
 * changed users themselves.
 *
 * Pure: over this pod's own phase and what each member answered. Going to
 * accept is always safe (it only adds passwords). Use needs every member to
 * accept the new passwords, seen in its ACL (ground truth, not only its
 * marker). Drop needs every member at use and then the grace period, or a
 * finish mark. A member that does not answer holds the rotation, and the
 * verdict names it: never guess.
 */
#ifndef RI_CREDENTIALS_H
#define RI_CREDENTIALS_H

#include <stdint.h>

#include "model/credentials.h"

struct creds_world {
    const char *gen;      /* the generation being rolled out */
    enum creds_phase own; /* this pod's phase for gen (its state file) */
    const struct creds_member *members;
    int n;
    int64_t now_ms;        /* monotonic */
    int64_t all_use_since; /* when this pod first saw every member at use; 0: not yet */
    int64_t grace_ms;      /* [credentials] grace */
    int drop_by_command;   /* [credentials] drop = command */
};

enum creds_step {
    CREDS_STEP_NOTHING = 0, /* done, or nothing to roll out */
    CREDS_STEP_ACCEPT,      /* add the new passwords, mark accept */
    CREDS_STEP_USE,         /* switch our links to the new ones, mark use */
    CREDS_STEP_DROP,        /* remove the old ones, mark done */
    CREDS_STEP_WAIT,        /* not yet: why says for what */
};

struct creds_verdict {
    enum creds_step step;
    int all_use;     /* every member answered at use (or done) for gen: the
                           caller starts the grace period here when it has not */
    int64_t wait_ms; /* with WAIT for the grace: what is left of it */
    char why[200];
};

void creds_decide(const struct creds_world *w, struct creds_verdict *v);

/* `credentials finish`: may the operator end the rotation of gen now?
 * MARK when every member answered and marks use (or done) for gen, with
 * one still at use: the finish mark then tells every agent to drop the old
 * passwords without waiting for the grace. Never while a member is behind:
 * its links may still use an old password. */
enum creds_finish {
    CREDS_FINISH_MARK = 0,
    CREDS_FINISH_ROLLED_OUT, /* every member is done: nothing to finish */
    CREDS_FINISH_DOWN,       /* a member does not answer (named in why) */
    CREDS_FINISH_BEHIND,     /* a member is not at use for gen (named in why) */
};
enum creds_finish creds_finish_decide(const char *gen, const struct creds_member *m, int n,
                                      char *why, size_t whylen);

#endif
