/* credstate.h: this pod's record of a live credential rotation (issue 21;
 * docs/design/credentials-plan.md §4): <dir>/redis-init.credentials, on the
 * data volume of a server and the conf volume of a sentinel, so that a pod
 * restarted in the middle of a rotation still accepts and speaks the
 * passwords of the generation its peers may still use.
 *
 * The file is JSON, mode 0600, written atomically (fsutil):
 *
 *   {"version": 1, "gen": "<12 hex>", "phase": "accept" | "use" | "done",
 *    "old_users": {"<user>": "<sha256 hex of its old password>", ...},
 *    "old_login": {"ADMIN_USERNAME": "...", "ADMIN_PASSWORD": "...", ...}}
 *
 * old_users and old_login describe the previous generation and are empty
 * once the phase is done. old_login holds only the keys redis-init itself
 * logs in with (credstate_login_keys): the one place a password rests
 * outside the Secret, protected as masterauth in redis.conf is.
 *
 * Contract: no file is no rotation (phase none, gen ""); a file that is
 * malformed, of another version or with a bad field is refused with one
 * line naming the file and the field (EX_DATAERR), never a value.
 */
#ifndef RI_CREDSTATE_H
#define RI_CREDSTATE_H

#include "config/creds.h"
#include "config/secrets.h"

#define CREDSTATE_FILE "redis-init.credentials"

struct creds_state {
    char gen[CREDS_GEN_LEN + 1];
    enum creds_phase phase;
    struct creds_set old_users; /* names and hashes (pass_key NULL) */
    struct secrets *old_login;  /* the old generation's login keys, NULL when none */
};

/* The secret keys old_login keeps, NULL-terminated. */
extern const char *const credstate_login_keys[];

int credstate_read(const char *dir, struct creds_state *st, ri_err *e);

/* Write st; old_login from old_sec (NULL: none), only credstate_login_keys. */
int credstate_write(const char *dir, const struct creds_state *st, const struct secrets *old_sec,
                    ri_err *e);

void credstate_free(struct creds_state *st);

/* A copy of sec with old's login keys in place of its own: logging in as
 * the previous generation (NULL on error, e set). */
struct secrets *credstate_overlay(const struct secrets *sec, const struct secrets *old, ri_err *e);

#endif
