/* creds.h: the users whose passwords the secrets give, as one table, their
 * generation and what changed between two secrets (issue 21, live
 * credentials; docs/design/credentials-plan.md §5).
 *
 * Contract:
 *  - creds_collect() lists every user the secrets and settings define, on
 *    servers and sentinels alike: admin, replica, sentinel, sentinel-sync,
 *    service; default (when [acl] default-user = on); the probe user (given
 *    or derived from the admin password); the reload user (derived, with
 *    TLS); webdis and exporter (when their passwords are set); every [acl]
 *    user. Each with its name and the SHA-256 of its password, which is what
 *    users.acl holds: never the password itself; an [acl] user also with
 *    the SHA-256 of its rules.
 *  - Missing or malformed keys fail as rendering would, naming the key
 *    (EX_DATAERR); nothing of a value is in any message.
 *  - creds_generation() is the same on every pod for the same users: 12 hex
 *    digits of a hash over names, password hashes and [acl] users' rule
 *    hashes, sorted by name.
 *  - creds_diff() compares by user name: a renamed user is one removed and
 *    one added; an [acl] user with the same password and other rules has
 *    its rules changed (also when the old side does not know its rules: a
 *    state file keeps none).
 */
#ifndef RI_CREDS_H
#define RI_CREDS_H

#include <stddef.h>

#include "config/secrets.h"
#include "config/settings.h"
#include "model/credentials.h"

#define CREDS_MAX_USERS (10 + SET_LIST_MAX)

struct creds_user {
    char name[SET_NAME_MAX];
    const char *pass_key;    /* the secret key of its password, for messages */
    unsigned char hash[32];  /* SHA-256 of the password */
    int has_rules;           /* an [acl] user: */
    unsigned char rules[32]; /* SHA-256 of its rules */
};

struct creds_set {
    int n;
    struct creds_user u[CREDS_MAX_USERS];
};

int creds_collect(const struct secrets *sec, const struct settings *s, struct creds_set *out,
                  ri_err *e);

/* The user named name in c, or NULL. */
const struct creds_user *creds_find(const struct creds_set *c, const char *name);

void creds_generation(const struct creds_set *c, char gen[CREDS_GEN_LEN + 1]);

/* Names into the two sets (pointers into them). */
struct creds_diff {
    int n_changed, n_added, n_removed, n_rules;
    const char *changed[CREDS_MAX_USERS]; /* in both, another password */
    const char *rules[CREDS_MAX_USERS];   /* in both, the same password, other rules */
    const char *added[CREDS_MAX_USERS];   /* only in the new */
    const char *removed[CREDS_MAX_USERS]; /* only in the old */
};
void creds_diff(const struct creds_set *old, const struct creds_set *new_, struct creds_diff *d);

/* "password changed for replica, sentinel; rules changed for report;
 * added: app; removed: old-app", or "no user changed". Names only. */
void creds_diff_text(const struct creds_diff *d, char *out, size_t outlen);

#endif
