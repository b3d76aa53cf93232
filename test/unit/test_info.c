/* test_info.c: INFO parsers against real Redis 7.0 replies and garbage. */
#include "checkmain.h"
#include "net/info.h"

#include <limits.h>
#include <string.h>

/* Captured from redis-server 7.0.15: a master with two online replicas. */
static const char MASTER2[] =
    "# Replication\r\n"
    "role:master\r\n"
    "connected_slaves:2\r\n"
    "slave0:ip=127.0.0.1,port=17002,state=online,offset=187,lag=0\r\n"
    "slave1:ip=127.0.0.1,port=17003,state=online,offset=187,lag=0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:3f04d2f7f2761be1a816ae2520abc4ae4a143c70\r\n"
    "master_replid2:0000000000000000000000000000000000000000\r\n"
    "master_repl_offset:187\r\n"
    "second_repl_offset:-1\r\n"
    "repl_backlog_active:1\r\n"
    "repl_backlog_size:1048576\r\n"
    "repl_backlog_first_byte_offset:1\r\n"
    "repl_backlog_histlen:187\r\n";

static const char REPLICA_UP[] =
    "# Replication\r\n"
    "role:slave\r\n"
    "master_host:127.0.0.1\r\n"
    "master_port:17001\r\n"
    "master_link_status:up\r\n"
    "master_last_io_seconds_ago:1\r\n"
    "master_sync_in_progress:0\r\n"
    "slave_read_repl_offset:187\r\n"
    "slave_repl_offset:187\r\n"
    "slave_priority:100\r\n"
    "slave_read_only:1\r\n"
    "replica_announced:1\r\n"
    "connected_slaves:0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:3f04d2f7f2761be1a816ae2520abc4ae4a143c70\r\n"
    "master_replid2:0000000000000000000000000000000000000000\r\n"
    "master_repl_offset:187\r\n"
    "second_repl_offset:-1\r\n"
    "repl_backlog_active:1\r\n"
    "repl_backlog_size:1048576\r\n"
    "repl_backlog_first_byte_offset:174\r\n"
    "repl_backlog_histlen:14\r\n";

/* Its master was shut down two seconds earlier; hostname-mode master. */
static const char REPLICA_DOWN[] =
    "# Replication\r\n"
    "role:slave\r\n"
    "master_host:redis-0.redis.default.svc.cluster.local\r\n"
    "master_port:6379\r\n"
    "master_link_status:down\r\n"
    "master_last_io_seconds_ago:-1\r\n"
    "master_sync_in_progress:0\r\n"
    "slave_read_repl_offset:201\r\n"
    "slave_repl_offset:201\r\n"
    "master_link_down_since_seconds:2\r\n"
    "slave_priority:100\r\n"
    "slave_read_only:1\r\n"
    "replica_announced:1\r\n"
    "connected_slaves:0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:3f04d2f7f2761be1a816ae2520abc4ae4a143c70\r\n"
    "master_replid2:0000000000000000000000000000000000000000\r\n"
    "master_repl_offset:201\r\n"
    "second_repl_offset:-1\r\n"
    "repl_backlog_active:1\r\n";

/* A replica promoted with REPLICAOF NO ONE: keeps the old id as replid2. */
static const char PROMOTED[] =
    "# Replication\r\n"
    "role:master\r\n"
    "connected_slaves:0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:e45ca5450ec06e6ccf9e447adb13ec7ae70cbe0c\r\n"
    "master_replid2:3f04d2f7f2761be1a816ae2520abc4ae4a143c70\r\n"
    "master_repl_offset:201\r\n"
    "second_repl_offset:202\r\n";

static const char LONG_HOST[] =
    "role:slave\r\nmaster_host:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "\r\nmaster_port:6379\r\nmaster_replid:0123456789012345678901234567890123456789EXTRA\r\n";

struct repl_case {
    const char *name, *text;
    int rc;
    enum role role;
    const char *master_host;
    int master_port, link_up;
    const char *replid, *replid2;
    long long offset, second;
    int connected;
};

static const struct repl_case repl_cases[] = {
    {"master with 2 replicas", MASTER2, 0, ROLE_MASTER, "", 0, 0,
     "3f04d2f7f2761be1a816ae2520abc4ae4a143c70", "0000000000000000000000000000000000000000", 187, -1, 2},
    {"replica link up", REPLICA_UP, 0, ROLE_REPLICA, "127.0.0.1", 17001, 1,
     "3f04d2f7f2761be1a816ae2520abc4ae4a143c70", "0000000000000000000000000000000000000000", 187, -1, 0},
    {"replica link down", REPLICA_DOWN, 0, ROLE_REPLICA, "redis-0.redis.default.svc.cluster.local", 6379, 0,
     "3f04d2f7f2761be1a816ae2520abc4ae4a143c70", "0000000000000000000000000000000000000000", 201, -1, 0},
    {"promoted", PROMOTED, 0, ROLE_MASTER, "", 0, 0, "e45ca5450ec06e6ccf9e447adb13ec7ae70cbe0c",
     "3f04d2f7f2761be1a816ae2520abc4ae4a143c70", 201, 202, 0},
    {"LF only, no final newline", "role:slave\nmaster_host:h\nmaster_port:1\nmaster_link_status:up", 0,
     ROLE_REPLICA, "h", 1, 1, "", "", 0, -1, 0},
    {"valkey-style role:replica", "role:replica\r\n", 0, ROLE_REPLICA, "", 0, 0, "", "", 0, -1, 0},
    {"unknown role value", "role:sentinel\r\n", 0, ROLE_UNKNOWN, "", 0, 0, "", "", 0, -1, 0},
    {"empty", "", -1, ROLE_UNKNOWN, "", 0, 0, "", "", 0, -1, 0},
    {"no role line", "# Replication\r\nconnected_slaves:3\r\n", -1, ROLE_UNKNOWN, "", 0, 0, "", "", 0, -1, 3},
    {"key without colon", "role\r\nmaster\r\n", -1, ROLE_UNKNOWN, "", 0, 0, "", "", 0, -1, 0},
    {"role prefix is not role", "roles:master\r\nxrole:master\r\n", -1, ROLE_UNKNOWN, "", 0, 0, "", "", 0, -1, 0},
    {"bad numbers", "role:slave\r\nmaster_port:99999\r\nmaster_repl_offset:12x\r\n"
     "second_repl_offset:zz\r\nconnected_slaves:-4\r\n", 0, ROLE_REPLICA, "", 0, 0, "", "", 0, -1, 0},
    {"saturating offset", "role:master\r\nmaster_repl_offset:99999999999999999999999\r\n", 0,
     ROLE_MASTER, "", 0, 0, "", "", LLONG_MAX, -1, 0},
    {"long values truncated", LONG_HOST, 0, ROLE_REPLICA, NULL, 6379, 0,
     "0123456789012345678901234567890123456789", "", 0, -1, 0},
    {"value may contain colons", "role:slave\r\nmaster_host:fe80::1\r\n", 0, ROLE_REPLICA, "fe80::1",
     0, 0, "", "", 0, -1, 0},
};

START_TEST(test_replication) {
    const struct repl_case *c = &repl_cases[_i];
    struct redis_obs r;
    memset(&r, 0x5A, sizeof r);   /* the parser must reset every answer field */
    ck_assert_msg(info_parse_replication(c->text, &r) == c->rc, "%s: rc", c->name);
    ck_assert_msg(r.role == c->role, "%s: role %d", c->name, r.role);
    if (c->master_host) ck_assert_str_eq(r.master_host, c->master_host);
    else ck_assert_uint_eq(strlen(r.master_host), OBS_HOST_MAX - 1);
    ck_assert_msg(r.master_port == c->master_port, "%s: port %d", c->name, r.master_port);
    ck_assert_msg(r.link_up == c->link_up, "%s: link", c->name);
    ck_assert_str_eq(r.replid, c->replid);
    ck_assert_str_eq(r.replid2, c->replid2);
    ck_assert_msg(r.offset == c->offset, "%s: offset %lld", c->name, r.offset);
    ck_assert_msg(r.second_offset == c->second, "%s: second %lld", c->name, r.second_offset);
    ck_assert_msg(r.connected_replicas == c->connected, "%s: connected", c->name);
}
END_TEST

struct num_case {
    const char *text;
    long long want;
};

static const struct num_case keys_cases[] = {
    {"# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=2,expires=1,avg_ttl=91398\r\n", 3},
    {"# Keyspace\r\n", 0},
    {"", 0},
    {"db0:keys=5,expires=0,avg_ttl=0\r\ndb15:keys=10,expires=0,avg_ttl=0\r\ndb1:keys=1\r\n", 16},
    {"db0:expires=1,keys=7\r\n", 7},            /* attribute order does not matter */
    {"dbx:keys=5\r\nxdb0:keys=5\r\ndb:keys=5\r\n", 0},
    {"db0:keys=-5\r\ndb1:keys=abc\r\ndb2:keys=\r\n", 0},
    {"db0:keys=9223372036854775807\r\ndb1:keys=9\r\n", LLONG_MAX},  /* saturates */
    {"db0:keys=4", 4},
    {"keys=4\r\n", 0},
};

START_TEST(test_keys) {
    const struct num_case *c = &keys_cases[_i];
    ck_assert_msg(info_parse_keys(c->text) == c->want, "case %d: got %lld", _i, info_parse_keys(c->text));
}
END_TEST

static const struct num_case loading_cases[] = {
    {"# Persistence\r\nloading:0\r\nasync_loading:0\r\n", 0},
    {"# Persistence\r\nloading:1\r\nasync_loading:0\r\n", 1},
    {"async_loading:1\r\n", 0},
    {"loading:1", 1},
    {"loading:10\r\n", 0},
    {"", 0},
};

START_TEST(test_loading) {
    const struct num_case *c = &loading_cases[_i];
    ck_assert_msg(info_parse_loading(c->text) == c->want, "case %d", _i);
}
END_TEST

static const struct stats_case {
    const char *name, *text;
    enum role role;
    long long clients, maxclients, good, fenced;
} stats_cases[] = {
    {"master with the fence and refusals",
     "# Clients\r\nconnected_clients:7\r\ncluster_connections:0\r\nmaxclients:10000\r\n"
     "# Replication\r\nrole:master\r\nconnected_slaves:1\r\nmin_slaves_good_slaves:1\r\n"
     "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOREPLICAS:count=35\r\n",
     ROLE_MASTER, 7, 10000, 1, 35},
    {"replica, no fence, no refusals", "connected_clients:1\r\nmaxclients:4064\r\nrole:slave\r\n",
     ROLE_REPLICA, 1, 4064, -1, -1},
    {"valkey's names", "role:replica\r\nmin_replicas_good_replicas:2\r\n", ROLE_REPLICA, -1, -1,
     2, -1},
    {"an older server: no maxclients in INFO", "connected_clients:3\nrole:master\n", ROLE_MASTER,
     3, -1, -1, -1},
    {"garbage values", "connected_clients:x\r\nmaxclients:-5\r\nerrorstat_NOREPLICAS:count=\r\n"
     "min_slaves_good_slaves:1x\r\nrole:sentinel\r\n", ROLE_UNKNOWN, -1, -1, -1, -1},
    {"errorstat without count=", "errorstat_NOREPLICAS:cnt=4\r\n", ROLE_UNKNOWN, -1, -1, -1, -1},
    {"truncated errorstat", "errorstat_NOREPLICAS:count=12", ROLE_UNKNOWN, -1, -1, -1, 12},
    {"empty", "", ROLE_UNKNOWN, -1, -1, -1, -1},
};

START_TEST(test_stats) {
    const struct stats_case *c = &stats_cases[_i];
    struct server_stats st;
    memset(&st, 0x55, sizeof st);
    info_parse_stats(c->text, &st);
    ck_assert_msg(st.role == c->role, "%s: role %d", c->name, st.role);
    ck_assert_msg(st.connected_clients == c->clients, "%s: clients %lld", c->name, st.connected_clients);
    ck_assert_msg(st.maxclients == c->maxclients, "%s: maxclients %lld", c->name, st.maxclients);
    ck_assert_msg(st.good_replicas == c->good, "%s: good %lld", c->name, st.good_replicas);
    ck_assert_msg(st.fenced_writes == c->fenced, "%s: fenced %lld", c->name, st.fenced_writes);
}
END_TEST

START_TEST(test_null_text) {
    struct redis_obs r;
    ck_assert_int_eq(info_parse_replication(NULL, &r), -1);
    ck_assert_int_eq(info_parse_keys(NULL), 0);
    ck_assert_int_eq(info_parse_loading(NULL), 0);
    struct server_stats st;
    info_parse_stats(NULL, &st);
    ck_assert_int_eq(st.maxclients, -1);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_suite(void) {
    Suite *s = suite_create("info");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_replication, 0, N(repl_cases));
    tcase_add_loop_test(tc, test_keys, 0, N(keys_cases));
    tcase_add_loop_test(tc, test_loading, 0, N(loading_cases));
    tcase_add_loop_test(tc, test_stats, 0, N(stats_cases));
    tcase_add_test(tc, test_null_text);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
