/* credentials.h: what a member says of a live credential rotation (issue 21;
 * rules/credentials.h decides from it, docs/design/credentials-plan.md §2).
 *
 * Each member (every configured server and sentinel) records its phase for a
 * generation G of the secrets in a marker user of its own ACL: off, no
 * password, no command, and only channels
 *
 *     &redis-init:<G>:<phase>            accept | use | done
 *     &redis-init:<G>:finish             once an operator ran `credentials finish`
 *
 * so nobody logs in as it and every pod reads it with ACL GETUSER in the same
 * session as the changed users. G is 12 hex digits (it verifies no password).
 * Plain data and pure string functions.
 */
#ifndef RI_MODEL_CREDENTIALS_H
#define RI_MODEL_CREDENTIALS_H

#include <stddef.h>

#define CREDS_GEN_LEN     12 /* hex digits of a generation */
#define CREDS_MARKER_USER "redis-init-creds"

enum creds_phase { CREDS_NONE = 0, CREDS_ACCEPT, CREDS_USE, CREDS_DONE };

/* One member's answer to ACL GETUSER of the marker and the changed users. */
struct creds_member {
    const char *name;            /* for reasons: "redis-cluster-server-1" */
    int answered;                /* 0: down, refused, timed out */
    char gen[CREDS_GEN_LEN + 1]; /* the marker's generation, "" when none */
    enum creds_phase phase;      /* the marker's phase for gen */
    int finish;                  /* the marker holds finish for gen */
    int accepts_new;             /* every changed user holds its new password hash */
};

/* "accept", "use", "done"; "none". */
const char *creds_phase_name(enum creds_phase p);
/* The phase of a name, CREDS_NONE when it is none of them. */
enum creds_phase creds_phase_parse(const char *name);

/* 1 when g is a generation: 12 lowercase hex digits. */
int creds_gen_valid(const char *g);

/* The marker's channel rules for gen at phase (and finish):
 * "resetchannels &redis-init:<G>:<phase>[ &redis-init:<G>:finish]".
 * -1 when out is too small or gen is not 12 lowercase hex digits. */
int creds_marker_rules(const char *gen, enum creds_phase phase, int finish, char *out,
                       size_t outlen);

/* "&redis-init:<G>:finish": the rule `credentials finish` adds to a marker
 * as it is (no reset). -1 as creds_marker_rules. */
int creds_finish_rule(const char *gen, char *out, size_t outlen);

/* From the marker's channels as ACL GETUSER gives them (one string of
 * words, "&" patterns; Redis 6.2 gives a list, which the caller joins with
 * spaces): m->gen, m->phase, m->finish. Words that are no marker of ours
 * are ignored; several phases of one generation: the furthest. A marker
 * with no phase leaves gen "" (none). */
void creds_marker_parse(const char *channels, struct creds_member *m);

#endif
