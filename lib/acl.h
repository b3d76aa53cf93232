/* acl.h: ACL rules and password hashes for users.acl files.
 *
 * Passwords only ever appear in users.acl as "#<64 lowercase hex sha256>",
 * so any byte sequence works as a password there. The rule sets below are
 * the least privilege each role needs (see docs/configuration.md).
 */
#ifndef RI_ACL_H
#define RI_ACL_H

#include <stddef.h>
#include "err.h"

/* Rules on redis pods. */
#define ACL_RULES_ADMIN    "~* &* +@all"
#define ACL_RULES_REPLICA  "resetchannels -@all +psync +replconf +ping"
#define ACL_RULES_SENTINEL "resetchannels &__sentinel__:hello -@all +multi +slaveof +ping +exec " \
                           "+subscribe +config|rewrite +role +publish +info +client|setname "   \
                           "+client|kill +script|kill"
#define ACL_RULES_SERVICE  "~* &* +@all -@admin -@dangerous"
#define ACL_RULES_PROBE    "resetchannels -@all +ping +info"
/* Rules on sentinels. */
/* What one sentinel sends another: PING, PUBLISH of hello messages, CLIENT
 * SETNAME on every link, and the failover vote. */
#define ACL_RULES_SENTINEL_PEER   "resetchannels &__sentinel__:hello -@all +ping +publish " \
                                  "+client|setname +sentinel|is-master-down-by-addr"
#define ACL_RULES_SENTINEL_CLIENT "resetchannels -@all +ping +sentinel|get-master-addr-by-name"
/* `check` and `prestop` on the pod's own sentinel: its view of the group. */
#define ACL_RULES_SENTINEL_PROBE  "resetchannels -@all +ping +sentinel|master"

/* "#<hex sha256 of pass>" into out (at least 66 bytes). */
void acl_hash(const char *pass, size_t len, char out[66]);

/* Check user-supplied rules for an [acl] extra user: printable ASCII, no
 * newline, and no token that sets or clears a password (">", "<", "#", "!",
 * "nopass", "resetpass", "reset") or toggles the user ("on", "off") because
 * we own those. EX_CONFIG with a message naming the user otherwise. */
int acl_check_rules(const char *user, const char *rules, ri_err *e);

#endif
