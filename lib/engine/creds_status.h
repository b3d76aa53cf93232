/* creds_status.h: `credentials status` (issue 21): for every configured
 * member (servers, then sentinels), what its ACL holds of the users the
 * secrets define, and its rotation marker. Reads only: ACL GETUSER as admin
 * (net/aclget.h), which shows password hashes, never passwords.
 *
 * Per member and user: absent (not a user on that member: a sentinel has
 * no replica user), current (it holds the password the secrets give now),
 * stale (it holds the user without that password: the secrets changed and
 * the member has not taken them), and how many other passwords it holds
 * (an older generation beside the current one). No value in any output.
 *
 * Exit (creds_status_exit): 0 every member answered and holds every
 * current password; EX_DATAERR (65) a member holds a stale user;
 * EX_UNAVAILABLE (69) a member did not answer (before 65).
 */
#ifndef RI_CREDS_STATUS_H
#define RI_CREDS_STATUS_H

#include <stdio.h>

#include "config/creds.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "model/observation.h"

enum creds_user_state { CU_ABSENT = 0, CU_CURRENT, CU_STALE };

struct creds_status_member {
    struct peer_common p; /* host, port, outcome, detail */
    int is_sentinel;
    int marker; /* the marker user exists */
    struct creds_member m;
    enum creds_user_state state[CREDS_MAX_USERS]; /* per user of the set */
    int others[CREDS_MAX_USERS];                  /* its other passwords */
};

struct creds_status {
    char gen[CREDS_GEN_LEN + 1];
    const char *origin; /* the secrets' path, for the header */
    struct creds_set set;
    int n;
    struct creds_status_member members[2 * OBS_MAX_PEERS];
};

/* Ask every member; errors only for the settings or secrets (EX_DATAERR,
 * EX_CONFIG): a member that does not answer is in its outcome. */
int creds_status_observe(const struct settings *s, const struct secrets *sec,
                         struct creds_status *st, ri_err *e);

int creds_status_exit(const struct creds_status *st);

void creds_status_text(FILE *f, const struct creds_status *st);
/* 0, or -1 when the JSON could not be built (out of memory). */
int creds_status_json(FILE *f, const struct creds_status *st);

#endif
