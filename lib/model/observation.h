/* observation.h: what one discovery round saw. Plain data shared by the prober
 * (which fills it), the decision (which reads it) and the report (which
 * prints it). No pointers: a round can be copied and compared. */
#ifndef RI_OBSERVE_H
#define RI_OBSERVE_H

#include "model/history.h"
#include "model/localdata.h"

#define OBS_MAX_PEERS 64
#define OBS_HOST_MAX  256

/* Every way a probe can end. Kept distinct on purpose: a timeout is not
 * "no master", and a refused connection is not a DNS failure. */
enum outcome {
    OUT_ANSWER = 0,  /* answered; see the role-specific fields */
    OUT_NIL_MASTER,  /* sentinel answered: it does not know the master group */
    OUT_NOT_FOUND,   /* DNS: the name does not exist (no pod, or not yet published) */
    OUT_DNS_FAILURE, /* DNS: server failure or no answer */
    OUT_REFUSED,     /* TCP: connection refused (nothing listening) */
    OUT_TIMEOUT,     /* no answer within the probe timeout, in any phase */
    OUT_AUTH_FAILED, /* WRONGPASS, NOAUTH or NOPERM */
    OUT_ERROR,       /* anything else: unreachable network, protocol error */
    OUT_NOT_AWAITED, /* still running when the decision had already settled
                         (decision_settled()); as unknown as a timeout */
    OUT_SELF,        /* this pod: not probed */
    OUT__COUNT
};

/* "answer", "nil-master", "not-found", "dns-failure", "refused", "timeout",
 * "auth-failed", "error", "self": stable names used in logs and JSON
 * ("invalid" for a value out of range). */
const char *outcome_name(enum outcome o);

/* True for outcomes that leave a peer's state unknown: it may be running and
 * may even be a master (timeout, dns-failure, auth-failed, error,
 * not-awaited). */
int outcome_is_unknown(enum outcome o);

/* True when nothing is serving at that name (not-found, refused). */
int outcome_is_down(enum outcome o);

/* ROLE_INIT: no server runs yet; redis-init, still deciding, answered
 * through its beacon (lib/beacon.h) with its recorded history. */
enum role { ROLE_UNKNOWN = 0, ROLE_MASTER, ROLE_REPLICA, ROLE_INIT };
const char *role_name(enum role r); /* "unknown", "master", "replica", "init" */

struct peer_common {
    int ordinal;
    char host[OBS_HOST_MAX]; /* the DNS name probed */
    int port;
    char addr[64]; /* resolved address, "" if none */
    enum outcome outcome;
    char detail[160]; /* human detail for non-answers ("connect: timeout after 1000 ms") */
    double elapsed_ms;
};

struct redis_obs {
    struct peer_common p;
    /* valid when p.outcome == OUT_ANSWER */
    enum role role;
    char master_host[OBS_HOST_MAX]; /* replicas: master_host from INFO */
    int master_port;
    int link_up;                  /* replicas: master_link_status:up */
    int sync_in_progress;         /* replicas: master_sync_in_progress:1 (a full sync runs) */
    char replid[41], replid2[41]; /* master_replid, master_replid2 */
    long long offset;             /* master_repl_offset */
    long long second_offset;      /* second_repl_offset (-1 if none) */
    int connected_replicas;       /* connected_slaves */
    int backlog_active;  /* repl_backlog_active:1: a replica has attached (within its ttl) */
    long long keys;      /* sum of keys over INFO keyspace */
    int loading;         /* INFO persistence loading:1 */
    int init_has_data;   /* ROLE_INIT: its data dir holds data */
    struct history hist; /* live (master/replica) or recorded (init) */
};

struct sentinel_obs {
    struct peer_common p;
    /* valid when p.outcome == OUT_ANSWER */
    char master_host[OBS_HOST_MAX];
    int master_port;
};

/* A sentinel's own view of the master group (SENTINEL MASTER <group>), for
 * `check` and `prestop`. */
struct sentinel_master_obs {
    struct peer_common p; /* the sentinel asked */
    /* valid when p.outcome == OUT_ANSWER */
    char master_host[OBS_HOST_MAX]; /* "ip" field: the host name with announce-hostnames */
    int master_port;
    char flags[128];         /* "master", "master,s_down,failover_in_progress", ... */
    int num_replicas;        /* num-slaves: replicas it knows */
    int num_other_sentinels; /* num-other-sentinels (configured known peers count) */
    int reachable_replicas;  /* SENTINEL REPLICAS: neither s_down nor disconnected */
    int reachable_sentinels; /* SENTINEL SENTINELS: likewise: peers that can vote */
    int quorum;
};

/* The local server's figures the agent's metrics show (INFO clients,
 * replication and errorstats). -1: the server did not report it. */
struct server_stats {
    struct peer_common p;
    enum role role;
    long long connected_clients, maxclients; /* maxclients: INFO clients (Redis 7, Valkey) */
    long long good_replicas; /* min_slaves_good_slaves: only with min-replicas-to-write set */
    long long fenced_writes; /* errorstat_NOREPLICAS count: writes refused by the fence */
};

/* Everything the decision needs, all by value. */
struct observations {
    int is_sentinel;              /* deciding for sentinel-init (1) or redis-init (0) */
    int self_ordinal;             /* -1 when the pod name has no ordinal */
    char self_host[OBS_HOST_MAX]; /* own host name (redis or sentinel service) */
    int redis_port;
    struct local_data self_data;   /* redis-init only */
    struct history self_hist;      /* redis-init: the record, else the RDB's aux fields */
    long long waited_ms;           /* since this pod's first round (0 in the first) */
    long long fresh_start_wait_ms; /* [discovery] fresh-start-wait (rule B10) */
    int adopt_set, adopt_ordinal;  /* [discovery] adopt: whose data wins in B8 (B11) */
    int fence;                     /* [redis] min-replicas-to-write: fewer replicas, no write */
    int n_sentinels;               /* configured sentinels (entries below) */
    struct sentinel_obs sentinels[OBS_MAX_PEERS];
    int n_redis; /* configured redis pods */
    struct redis_obs redis[OBS_MAX_PEERS];
};

/* Case-insensitive host name comparison ignoring one trailing dot. */
int host_equal(const char *a, const char *b);

/* Index of the redis peer that host:port designates (by name with
 * host_equal, or, when host is a numeric IP, by the resolved p.addr of a peer
 * whose outcome is OUT_ANSWER), or -1. The port must match. */
int obs_find_redis(const struct observations *o, const char *host, int port);

#endif
