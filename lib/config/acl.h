/* acl.h: ACL rules and password hashes for users.acl files.
 *
 * Passwords only ever appear in users.acl as "#<64 lowercase hex sha256>",
 * so any byte sequence works as a password there. The rule sets below are
 * the least privilege each role needs (see docs/configuration.md).
 */
#ifndef RI_ACL_H
#define RI_ACL_H

#include <stddef.h>

#include "base/err.h"

#define ACL_NAME_MAX  64 /* user names and secret keys of [acl] user */
#define ACL_RULES_MAX 1024

/* An [acl] user line of the settings: "NAME SECRET_KEY RULES...". */
struct acl_extra_user {
    char name[ACL_NAME_MAX];       /* ACL user name */
    char secret_key[ACL_NAME_MAX]; /* key in the secrets input holding its password */
    char rules[ACL_RULES_MAX];     /* ACL rules, e.g. "~app:* +@read" (no passwords) */
};

/* Rules on redis pods. */
#define ACL_RULES_ADMIN   "~* &* +@all"
#define ACL_RULES_REPLICA "resetchannels -@all +psync +replconf +ping"
#define ACL_RULES_SENTINEL                                                                         \
    "resetchannels &__sentinel__:hello -@all +multi +slaveof +ping +exec "                         \
    "+subscribe +config|rewrite +role +publish +info +client|setname "                             \
    "+client|kill +script|kill"
/* +info: ioredis (and others) check role:master in INFO after connecting,
 * so a client never writes to a stale master; INFO holds no secret. */
#define ACL_RULES_SERVICE "~* &* +@all -@admin -@dangerous +info +role"
#define ACL_RULES_PROBE   "resetchannels -@all +ping +info"
/* The agent's certificate reload (docs/tls.md): CONFIG SET of the TLS
 * files. ACLs cannot name CONFIG SET's parameters, so this is the least
 * there is; its password is derived from the admin password. */
#define ACL_RULES_RELOAD "resetchannels -@all +config|set"
/* Webdis's user (docs/connecting.md): exactly the commands its HTTP ACL
 * allows (webdis.json is rendered from the same list), so Redis refuses
 * what a Webdis misconfiguration would let through. PING: Webdis's own. */
#define WEBDIS_COMMANDS                                                                            \
    "GET SET DEL EXISTS EXPIRE TTL INCR INCRBY DECR MGET MSET STRLEN APPEND "                      \
    "HGET HSET HGETALL HDEL HKEYS LPUSH RPUSH LPOP RPOP LRANGE LLEN "                              \
    "SADD SREM SMEMBERS SISMEMBER ZADD ZRANGE ZREM XADD XRANGE XLEN TYPE PING"
#define ACL_RULES_WEBDIS_BASE "resetchannels ~* -@all"
/* redis_exporter 1.45's scrape with its default flags, and nothing more
 * (docs/observability.md measures each): INFO ALL, CLIENT SETNAME,
 * LATENCY LATEST, SLOWLOG LEN and GET. Never CONFIG: 1.45 always sends
 * CONFIG GET *, which would hand it masterauth in clear text; refused, it
 * only loses redis_config_* (the agent's metrics carry maxclients). No
 * key, no channel. */
#define ACL_RULES_EXPORTER                                                                         \
    "resetchannels -@all +ping +info +client|setname +latency|latest +slowlog|len +slowlog|get"
/* On sentinels: the same handshake, then SENTINEL MASTERS and, per master,
 * CKQUORUM, SENTINELS and SLAVES. */
#define ACL_RULES_SENTINEL_EXPORTER                                                                \
    "resetchannels -@all +ping +info +client|setname +sentinel|masters +sentinel|ckquorum "        \
    "+sentinel|sentinels +sentinel|slaves"
/* Rules on sentinels. */
/* What one sentinel sends another: PING, PUBLISH of hello messages, CLIENT
 * SETNAME on every link, and the failover vote. */
#define ACL_RULES_SENTINEL_PEER                                                                    \
    "resetchannels &__sentinel__:hello -@all +ping +publish "                                      \
    "+client|setname +sentinel|is-master-down-by-addr"
/* `check` and `prestop` on the pod's own sentinel: its view of the group. */
#define ACL_RULES_SENTINEL_PROBE                                                                   \
    "resetchannels -@all +ping +sentinel|master +sentinel|replicas +sentinel|sentinels"
/* What Sentinel-aware client libraries send (docs/connecting.md): the handshake, the read-only SENTINEL listings and
 * lookups, and SUBSCRIBE / PSUBSCRIBE to the event channels (+switch-master
 * and the rest; Lettuce uses PSUBSCRIBE *, hence &*: on a sentinel every
 * channel is its own read-only event stream, and this user cannot PUBLISH).
 * Nothing that changes Sentinel state. CLIENT SETINFO (Redis 7.2+) is left
 * out: Redis 7.0 refuses to load an ACL file naming a subcommand it does
 * not know; clients that send it ignore its error. */
#define ACL_RULES_SENTINEL_CLIENT                                                                  \
    "resetchannels &* -@all +ping +auth +hello +client|setname "                                   \
    "+subscribe +psubscribe +unsubscribe +punsubscribe "                                           \
    "+sentinel|get-master-addr-by-name +sentinel|masters "                                         \
    "+sentinel|master +sentinel|replicas +sentinel|slaves "                                        \
    "+sentinel|sentinels"
/* Valkey 8 Sentinel also answers the same lookups under "primary" names
 * (src/commands/sentinel-get-primary-addr-by-name.json, sentinel-primary.json,
 * sentinel-primaries.json, sentinel-is-primary-down-by-addr.json). Each is a
 * subcommand of its own, so +sentinel|master does not allow SENTINEL PRIMARY;
 * Redis knows none of them and refuses a users.acl naming them
 * (docs/servers.md). Appended on the valkey flavour only. */
#define ACL_RULES_SENTINEL_CLIENT_VALKEY                                                           \
    " +sentinel|get-primary-addr-by-name +sentinel|primaries "                                     \
    "+sentinel|primary"
#define ACL_RULES_SENTINEL_PEER_VALKEY " +sentinel|is-primary-down-by-addr"
/* [acl] sentinel-default-user = discovery: what a client that cannot log in
 * to a sentinel (Predis 1.x drops the credentials there) needs to find the
 * master, and nothing else: the lookups and the event channels, no
 * password, no writes, not SENTINEL MASTER(S) (docs/connecting.md). */
#define ACL_RULES_SENTINEL_DISCOVERY                                                               \
    "resetkeys resetchannels &* -@all +ping "                                                      \
    "+subscribe +psubscribe +unsubscribe +punsubscribe "                                           \
    "+sentinel|get-master-addr-by-name +sentinel|replicas +sentinel|slaves +sentinel|sentinels"
#define ACL_RULES_SENTINEL_DISCOVERY_VALKEY " +sentinel|get-primary-addr-by-name"

/* ACL_RULES_WEBDIS_BASE plus "+cmd" (lower case) for each of
 * WEBDIS_COMMANDS, into out. 0, or -1 if it does not fit. */
int acl_webdis_rules(char *out, size_t outlen);

/* "#<hex sha256 of pass>" into out (at least 66 bytes). */
void acl_hash(const char *pass, size_t len, char out[66]);
/* The same rule for a SHA-256 digest already computed: "#<64 hex>". */
void acl_hash_rule(const unsigned char digest[32], char out[66]);

/* Check user-supplied rules for an [acl] extra user: printable ASCII, no
 * newline, and no token that sets or clears a password (">", "<", "#", "!",
 * "nopass", "resetpass", "reset") or toggles the user ("on", "off") because
 * we own those. EX_CONFIG with a message naming the user otherwise. */
int acl_check_rules(const char *user, const char *rules, ri_err *e);

/* Parse "NAME SECRET_KEY RULES..." into u; rules via acl_check_rules().
 * Returns 0 or EX_CONFIG with e filled (message without origin). */
int acl_parse_user(const char *v, struct acl_extra_user *u, ri_err *e);

#endif
