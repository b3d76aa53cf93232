/* creds_roll.h: carry a live credential rotation on this pod (issue 21;
 * docs/credentials.md): observe every member's ACL and marker
 * (creds_status_observe), decide the next step (rules/credentials.h), and
 * carry it out on the pod's own server or sentinel, over 127.0.0.1 as
 * admin.
 *
 *   accept  state file (accept), users.acl with both hashes and the marker,
 *           then live: ACL SETUSER <user> #<new> per changed user, the
 *           rendered line (with reset) per added user and per [acl] user
 *           whose rules changed, the marker;
 *   use     live: CONFIG SET masteruser/masterauth (servers), SENTINEL SET
 *           auth-user/auth-pass and SENTINEL CONFIG SET sentinel-user/-pass
 *           (sentinels), each only when its credential changed; the
 *           exporter sidecar's password file ([metrics] exporter-dir); then
 *           the state file, users.acl and the marker;
 *   drop    live: ACL SETUSER <user> !<old> per changed user, ACL DELUSER
 *           per removed user (which closes its connections); then the
 *           state file (done, the old passwords gone), users.acl, marker.
 *
 * Every step is idempotent: a step that fails half way is tried again
 * whole at the next tick, and a restart resumes from the state file. Never
 * ACL LOAD (Redis < 7.2 drops every client, replication included). No
 * password reaches a log line or an argv of ours: only hashes go to
 * ACL SETUSER, passwords only to CONFIG SET / SENTINEL SET.
 */
#ifndef RI_CREDS_ROLL_H
#define RI_CREDS_ROLL_H

#include <stdint.h>

#include "config/creds.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "rules/credentials.h"

struct creds_roll {
    char gen[CREDS_GEN_LEN + 1]; /* the generation rolled out */
    enum creds_phase own;        /* this pod's phase for it */
    struct creds_set old_users;  /* the previous generation's users and hashes */
    struct creds_set new_users;  /* the new one's */
    struct secrets *old_login;   /* the previous login keys (owned), NULL when unknown */
    struct secrets *to;          /* the new secrets (owned) */
    int64_t all_use_since;       /* mono ms when every member was first seen at use; 0 */
};

/* The state file's directory: the data dir of a server, conf dir of a sentinel. */
const char *creds_roll_dir(const struct settings *s, int sentinel);

/* Ask every member and decide this pod's next step. */
int creds_roll_decide(const struct settings *s, struct creds_roll *r, int64_t now_ms,
                      int64_t grace_ms, int drop_by_command, struct creds_verdict *v, ri_err *e);

/* Carry out step (ACCEPT, USE or DROP) here; r->own advances on success. */
int creds_roll_step(const struct settings *s, int sentinel, struct creds_roll *r,
                    enum creds_step step, ri_err *e);

/* Record gen as done here without a rotation: the pod started on these
 * secrets (first start, or they changed while it was down), so it holds
 * and uses only them. State file, users.acl's marker, the live marker. */
int creds_roll_settle(const struct settings *s, int sentinel, const struct secrets *sec,
                      const char *gen, ri_err *e);

void creds_roll_free(struct creds_roll *r);

/* `credentials finish`: once every member uses the secrets' generation
 * (rules/credentials.h creds_finish_decide), add the finish mark to every
 * member's marker; each agent then drops the old passwords at its next
 * tick, grace or not. why says what was found. 0 also when the rotation is
 * already done; EX_UNAVAILABLE a member did not answer (or refused the
 * mark), EX_TEMPFAIL a member is not yet at use: nothing marked then. */
int creds_finish(const struct settings *s, const struct secrets *sec, char *why, size_t whylen,
                 ri_err *e);

#endif
