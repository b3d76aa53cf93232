/* settings.h: cluster settings from built-in defaults, an INI file, the
 * environment and command-line flags, in that order of increasing precedence
 * (flag > environment > INI > default).
 *
 * Contract:
 *  - settings_init() fills defaults (docs/configuration.md lists them all).
 *  - settings_set() is the single entry point for every source: the INI
 *    handler, the environment mapping and command-line flags all call it. A
 *    later call with an equal or higher origin replaces the value; a list key
 *    (loadmodule, directive, user) is cleared the first time a higher origin
 *    sets it, then appended to.
 *  - settings_finish() derives what depends on other keys (ordinal from the
 *    pod name, auto quorum, auto fencing) and validates ranges and cross-key
 *    rules. Only after it returns 0 is the struct usable.
 *  - Errors are one line naming the origin, the [section] key and the reason;
 *    code EX_CONFIG (78), or EX_NOINPUT (66) for an unreadable INI file.
 */
#ifndef RI_SETTINGS_H
#define RI_SETTINGS_H

#include <stddef.h>

#include "base/err.h"
#include "config/acl.h"

#define SET_NAME_MAX     64  /* service names, master-name, namespace, users */
#define SET_HOST_MAX     254 /* a DNS name */
#define SET_PATH_MAX     1024
#define SET_ADDR_MAX     64   /* an IP literal */
#define SET_LINE_MAX     1024 /* one loadmodule / directive / user value */
#define SET_LIST_MAX     32
#define SET_MAX_REPLICAS 64 /* upper bound of redis-replicas and sentinel-replicas */

enum set_origin { ORIGIN_DEFAULT = 0, ORIGIN_INI, ORIGIN_ENV, ORIGIN_FLAG };

enum persistence { PERSIST_HYBRID = 0, PERSIST_AOF, PERSIST_RDB, PERSIST_NONE };

/* [tls] mode (docs/tls.md): on is TLS only; dual adds plain-text ports. */
enum tls_mode { TLS_OFF = 0, TLS_ON, TLS_DUAL };

/* The server the pods run (docs/servers.md). */
enum flavour { FLAVOUR_REDIS = 0, FLAVOUR_VALKEY };

struct settings {
    /* [server] */
    enum flavour flavour; /* flavour = redis|valkey, default redis */

    /* [cluster] */
    char master_name[SET_NAME_MAX];      /* master-name, default "mymaster" */
    char namespace_[SET_NAME_MAX];       /* namespace, default $POD_NAMESPACE else "default" */
    char domain[SET_HOST_MAX];           /* domain, default "cluster.local" */
    char redis_service[SET_NAME_MAX];    /* redis-service, default "redis-cluster-server" */
    char sentinel_service[SET_NAME_MAX]; /* sentinel-service, default "redis-cluster-sentinel" */
    int redis_replicas;                  /* redis-replicas, default 3 */
    int sentinel_replicas;               /* sentinel-replicas, default 3 */
    int redis_port;                      /* redis-port, default 6379 */
    int sentinel_port;                   /* sentinel-port, default 26379 */
    char host_pattern
        [SET_HOST_MAX]; /* host-pattern, default "{service}-{i}.{service}.{namespace}.svc.{domain}" */
    char pod_name[SET_HOST_MAX]; /* pod-name, default $POD_NAME else gethostname() */
    int ordinal;                 /* derived: the -N suffix of pod_name; -1 if none */

    /* [paths] */
    char conf_dir[SET_PATH_MAX]; /* conf-dir (--out, REDIS_INIT_CONF_DIR), default "/conf" */
    char secrets_path
        [SET_PATH_MAX]; /* secrets (--secrets, REDIS_INIT_SECRETS), default "/src/config.json" */
    char templates_dir[SET_PATH_MAX]; /* templates (--templates), default "" = built in */
    char redis_server_bin
        [SET_PATH_MAX]; /* redis-server, default "" = the flavour's: redis-server / valkey-server (PATH lookup) */
    char redis_sentinel_bin
        [SET_PATH_MAX]; /* redis-sentinel, default "" = the flavour's: redis-sentinel / valkey-sentinel */
    char redis_init_bin
        [SET_PATH_MAX]; /* redis-init, default "" = this binary: what HAProxy's check runs */
    char haproxy_bin[SET_PATH_MAX]; /* haproxy, default "haproxy": what `router --run` starts */
    char webdis_bin[SET_PATH_MAX];  /* webdis, default "webdis": what `webdis --run` starts */
    char termination_log
        [SET_PATH_MAX]; /* termination-log, default "/dev/termination-log": the decision, if it exists */

    /* [metrics] */
    int metrics_port;                   /* port, default 0: off */
    char metrics_address[SET_ADDR_MAX]; /* address, default "": every address */
    char exporter_dir[SET_PATH_MAX];    /* exporter-dir, default "": no password file */
    char exporter_user[SET_NAME_MAX];   /* exporter-user: the sidecar's REDIS_USER, "" unchecked */

    /* [redis] */
    char data_dir[SET_PATH_MAX];  /* dir (--data, REDIS_INIT_DATA_DIR), default "/data" */
    char bind[SET_LINE_MAX];      /* bind, default "* -::*" */
    enum persistence persistence; /* persistence = hybrid|aof|rdb|none, default hybrid */
    char save[SET_LINE_MAX];      /* save, default "3600 1 300 100 60 10000" */
    char appendfsync[16];         /* appendfsync = always|everysec|no, default everysec */
    int min_replicas_to_write; /* min-replicas-to-write, default -1 = auto (1 if redis-replicas > 1, else 0) */
    int min_replicas_max_lag; /* min-replicas-max-lag (s), default 5 */
    int replica_priority;     /* replica-priority, default 100 */
    char loadmodule[SET_LIST_MAX][SET_LINE_MAX];
    int n_loadmodule; /* loadmodule (repeatable): "PATH [ARGS]" */
    char directive[SET_LIST_MAX][SET_LINE_MAX];
    int n_directive; /* directive (repeatable): "NAME VALUE..." passed through */

    /* [sentinel] */
    int quorum;              /* quorum, default 0 = auto (sentinel-replicas/2 + 1) */
    int down_after_ms;       /* down-after (ms), default 10000; env SENTINEL_DOWN_AFTER */
    int failover_timeout_ms; /* failover-timeout (ms), default 180000; env SENTINEL_FAILOVER */
    int parallel_syncs;      /* parallel-syncs, default 1 */

    /* [discovery] */
    int probe_timeout_ms;    /* probe-timeout (ms), default 1000 */
    int deadline_ms;         /* deadline (ms), default 60000: whole decision */
    int round_interval_ms;   /* round-interval (ms), default 1000 */
    int dns_wait_ms;         /* dns-wait (ms), default 30000: wait for own name */
    int fresh_start_wait_ms; /* fresh-start-wait (ms), default 15000: B10 */
    char adopt_pod[64];      /* adopt, default "": the pod whose data wins when histories cannot
                                be ranked (B11; volumes adopted from another deployment) */
    int adopt_ordinal;       /* derived: its ordinal, -1 without adopt */

    /* [lifecycle] */
    int check_timeout_ms;   /* check-timeout (ms), default 500: one whole `check` */
    int prestop_timeout_ms; /* prestop-timeout (ms), default 20000: one whole `prestop` */
    int agent_on;           /* agent = on|off, default on: `run` stays as the init (off: exec) */
    int watch_interval_ms;  /* watch-interval (ms), default 100: the agent's look at its server */

    /* [acl] */
    int default_user_on;            /* default-user = off|on, default off */
    char sentinel_default_user[12]; /* sentinel-default-user = off|discovery, default off */
    struct acl_extra_user users[SET_LIST_MAX];
    int n_users; /* user (repeatable): "NAME SECRET_KEY RULES..." */

    /* [router], [webdis] (docs/connecting.md) */
    char router_service
        [SET_NAME_MAX]; /* service, default "redis-cluster-router": the router's Service */
    char router_host
        [SET_HOST_MAX]; /* host, default "" = <service>.<namespace>.svc.<domain>: what Webdis connects to */
    int webdis_port; /* port, default 7379 */

    /* [tls] (docs/tls.md) */
    char tls_mode_name[8];               /* mode = off|on|dual, default off */
    char tls_auth_clients[12];           /* auth-clients = no|optional|yes, default no */
    char tls_dir[SET_PATH_MAX];          /* dir, default "/tls": the mounted Secret's directory */
    char tls_cert[SET_NAME_MAX];         /* cert, default "tls.crt": a file name in dir */
    char tls_key[SET_NAME_MAX];          /* key, default "tls.key" */
    char tls_ca[SET_NAME_MAX];           /* ca, default "ca.crt" */
    char tls_client_cert[SET_NAME_MAX];  /* client-cert, default "" = cert */
    char tls_client_key[SET_NAME_MAX];   /* client-key, default "" = key */
    char tls_protocols[64];              /* protocols, default "TLSv1.2 TLSv1.3" */
    char tls_ciphers[SET_LINE_MAX];      /* ciphers (TLS 1.2), default "" = the server's */
    char tls_ciphersuites[SET_LINE_MAX]; /* ciphersuites (TLS 1.3), default "" */
    int tls_plain_port;          /* plain-port, default 0: mode dual's plain-text server port */
    int tls_plain_sentinel_port; /* plain-sentinel-port, default 0: the same for sentinels */
    int tls_expiry_warning_days; /* expiry-warning (days), default 30 */

    /* [credentials] (docs/credentials.md) */
    int creds_live;     /* live = on|off, default on: the agent applies a changed Secret */
    int creds_grace_ms; /* grace (ms), default 3600000: old passwords kept once all use the new */
    char creds_drop[8]; /* drop = grace|command, default grace: what ends the rotation */

    enum tls_mode tls; /* derived from mode */
    int tls_auth;      /* derived from auth-clients: 0 no, 1 optional, 2 yes */

    /* bookkeeping, indexed internally by key: the origin of each value and
     * where it came from ("settings.ini:12", "env X", "flag --set", "default"),
     * so that settings_finish() can name the source of a bad combination. */
    unsigned char origin_[80];
    char where_[80][96];
};

void settings_init(struct settings *s);

/* Set one key. section/key as in the INI file ("cluster", "master-name").
 * where: human description of the origin for messages, e.g.
 * "settings.ini:12", "env REDIS_INIT_SENTINEL_QUORUM", "flag --set". */
int settings_set(struct settings *s, enum set_origin origin, const char *where, const char *section,
                 const char *key, const char *value, ri_err *e);

/* Parse an INI file with inih. Unknown sections and keys are errors.
 * Lines may be up to 4000 bytes; ';' after whitespace starts a comment;
 * a value wholly inside one pair of double quotes loses them. Not
 * thread-safe (inih's options are process globals): load at startup. */
int settings_load_ini(struct settings *s, const char *path, ri_err *e);

/* The same for INI text in memory; origin names it in messages. */
int settings_parse_ini(struct settings *s, const char *text, size_t len, const char *origin,
                       ri_err *e);

/* Apply the environment: REDIS_INIT_<SECTION>_<KEY> (upper case, '-' -> '_')
 * for every key, plus the aliases REDIS_INIT_SECRETS, REDIS_INIT_CONF_DIR,
 * REDIS_INIT_DATA_DIR, POD_NAME, POD_NAMESPACE, SENTINEL_QUORUM,
 * SENTINEL_DOWN_AFTER, SENTINEL_FAILOVER. A prefixed name wins over an alias.
 * For list keys the value holds one item per line. envp is NULL-terminated
 * "NAME=value" strings (pass environ). */
int settings_load_env(struct settings *s, char *const *envp, ri_err *e);

/* "section.key=value" from --set; splits and calls settings_set(ORIGIN_FLAG). */
int settings_set_arg(struct settings *s, const char *arg, ri_err *e);

/* Derive and validate. Afterwards: pod_name is set (gethostname() when it
 * was empty), namespace_ is set ("default" when empty), ordinal is derived,
 * quorum holds the effective quorum and min_replicas_to_write the effective
 * fencing value (auto resolved), and an empty redis-server / redis-sentinel
 * holds the flavour's program name. Idempotent. */
int settings_finish(struct settings *s, ri_err *e);

/* The flavour's program names ("redis-server", "valkey-sentinel", ...). */
const char *settings_server_program(enum flavour f, int sentinel);

/* Effective quorum (derive.c). */
int settings_quorum(const struct settings *s);

/* Host name of member i of a service ("redis" or "sentinel" service name),
 * by expanding host_pattern: {service} {i} {namespace} {domain}.
 * Returns 0, or EX_CONFIG if the result does not fit / is not a valid name. */
int settings_host(const struct settings *s, const char *service, int i, char *out, size_t outlen,
                  ri_err *e);

/* This pod's own host name (on the redis or the sentinel service). EX_CONFIG
 * when the pod name has no ordinal. */
int settings_own_host(const struct settings *s, int is_sentinel, char *out, size_t outlen,
                      ri_err *e);

/* Write every key with its effective value, one "section.key = value" line
 * each (the tests read settings back through it). */
void settings_dump(const struct settings *s, void (*line)(void *ctx, const char *text), void *ctx);

/* A pod that renders (render, run; with or without a role override) must be
 * one of the configured members: its ordinal below [cluster] redis-replicas
 * (sentinel-replicas for a sentinel). Otherwise the StatefulSet was scaled
 * without the settings (e.g. kubectl scale): EX_CONFIG, before anything is
 * probed or written. A pod without an ordinal passes here (later steps name
 * POD_NAME). */
int settings_require_member(const struct settings *s, int is_sentinel, ri_err *e);

#endif
