/* test_metrics_text.c: the agent's metrics text, a row per pod state:
 * each row's lines must appear (whole lines) and its absent names must not.
 * promtool checks the format itself in the integration suite. */
#include "checkmain.h"
#include "engine/metrics_text.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

enum pod { REDIS, SENTINEL, NONE };

static const struct row {
    const char *name;
    enum pod pod;
    enum outcome out;
    enum role role;
    long long good, fenced_writes, maxclients;
    int min_replicas;
    double record_age;
    const char *want[6], *absent[3];
} rows[] = {
    {"master, fenced", REDIS, OUT_ANSWER, ROLE_MASTER, 0, 12, 10000, 1, 0.5,
     {"redis_init_fenced 1\n", "redis_init_fenced_writes_total 12\n",
      "redis_init_server_role{role=\"master\"} 1\n", "redis_init_server_maxclients 10000\n",
      "redis_init_history_record_age_seconds 0.5\n", "redis_init_server_up 1\n"},
     {"redis_init_sentinel_up", NULL}},
    {"master, replicas good", REDIS, OUT_ANSWER, ROLE_MASTER, 1, -1, 10000, 1, 0,
     {"redis_init_fenced 0\n", "redis_init_fenced_writes_total 0\n",
      "redis_init_server_good_replicas 1\n", NULL},
     {NULL}},
    {"no fencing configured", REDIS, OUT_ANSWER, ROLE_MASTER, -1, -1, 10000, 0, 0,
     {"redis_init_fenced 0\n", "redis_init_config_min_replicas_to_write 0\n", NULL},
     {"redis_init_server_good_replicas", NULL}},
    {"replica is never fenced", REDIS, OUT_ANSWER, ROLE_REPLICA, 0, 3, 10000, 1, 0,
     {"redis_init_fenced 0\n", "redis_init_server_role{role=\"replica\"} 1\n",
      "redis_init_server_role{role=\"master\"} 0\n", NULL},
     {NULL}},
    {"handovers counted", REDIS, OUT_ANSWER, ROLE_REPLICA, 0, 0, 10000, 1, 0,
     {"redis_init_handovers_total{result=\"handed_over\"} 2\n",
      "redis_init_handovers_total{result=\"nothing\"} 0\n",
      "redis_init_handovers_total{result=\"failed\"} 1\n",
      "redis_init_last_handover_timestamp_seconds{result=\"failed\",rule=\"H16\"} 1764990000\n",
      NULL},
     {NULL}},
    {"server down", REDIS, OUT_REFUSED, ROLE_MASTER, -1, -1, -1, 1, -1,
     {"redis_init_server_up 0\n", "redis_init_history_record_age_seconds 42\n", NULL},
     {"redis_init_fenced ", "redis_init_server_maxclients", NULL}},
    {"no maxclients in INFO", REDIS, OUT_ANSWER, ROLE_MASTER, -1, -1, -1, 0, 0,
     {"redis_init_server_up 1\n", NULL},
     {"redis_init_server_maxclients", NULL}},
    {"sentinel up", SENTINEL, OUT_ANSWER, ROLE_UNKNOWN, 0, 0, 0, 1, 0,
     {"redis_init_sentinel_up 1\n",
      "redis_init_sentinel_master_info{master=\"redis-1.example:6379\"} 1\n",
      "redis_init_sentinel_master_ok 1\n", "redis_init_sentinel_reachable_sentinels 2\n",
      "redis_init_sentinel_quorum 2\n", NULL},
     {"redis_init_server_up", NULL}},
    {"sentinel down", SENTINEL, OUT_TIMEOUT, ROLE_UNKNOWN, 0, 0, 0, 1, 0,
     {"redis_init_sentinel_up 0\n", NULL},
     {"redis_init_sentinel_master_info", NULL}},
    {"common families only", NONE, OUT_ANSWER, ROLE_UNKNOWN, 0, 0, 0, 1, 0,
     {"redis_init_build_info{version=\"9.9.9\",program=\"redis-init\",flavour=\"valkey\"} 1\n",
      "redis_init_decision_info{rule=\"S5\",role=\"replica\",master=\"redis-1.example:6379\"} 1\n",
      "redis_init_decision_duration_seconds 0.25\n", "redis_init_decision_peers{kind=\"redis\"} 2\n",
      "redis_init_expected_pods{kind=\"sentinel\"} 3\n", "redis_init_config_quorum 2\n"},
     {"redis_init_server_up", "redis_init_sentinel_up", NULL}},
};

START_TEST(test_row) {
    const struct row *w = &rows[_i];
    static struct settings s;
    memset(&s, 0, sizeof s);
    s.flavour = FLAVOUR_VALKEY;
    s.redis_replicas = 3;
    s.sentinel_replicas = 3;
    s.quorum = 2;
    s.min_replicas_to_write = w->min_replicas;
    struct decision_summary d = {.rule = "S5", .action = ACT_FOLLOW, .master = "redis-1.example",
                                 .master_port = 6379, .redis_peers = 2, .redis_answered = 2,
                                 .sentinels = 3, .sentinels_answered = 3, .sentinels_agreeing = 3,
                                 .elapsed_ms = 250, .rounds = 1};
    struct server_stats st = {.p = {.outcome = w->out}, .role = w->role, .connected_clients = 4,
                              .maxclients = w->maxclients, .good_replicas = w->good,
                              .fenced_writes = w->fenced_writes};
    struct sentinel_master_obs so = {.p = {.outcome = w->out}, .master_host = "redis-1.example",
                                     .master_port = 6379, .flags = "master",
                                     .reachable_sentinels = 2, .reachable_replicas = 2, .quorum = 2};
    struct handover_counts hc = {.n = {2, 0, 1}, .last_result = "failed", .last_rule = "H16",
                                 .last_at = 1764990000};
    struct metrics_view v = {.program = "redis-init", .version = "9.9.9", .s = &s, .boot = &d,
                             .uptime_s = 42, .role = w->role, .record_age_s = w->record_age,
                             .stats = w->pod == REDIS ? &st : NULL,
                             .sentinel = w->pod == SENTINEL ? &so : NULL,
                             .handovers = w->pod == REDIS ? &hc : NULL};
    struct buf b;
    buf_init(&b);
    ck_assert_int_eq(metrics_text(&v, &b), 0);
    for (int i = 0; i < 6 && w->want[i]; i++) {
        const char *at = strstr(b.data, w->want[i]);
        ck_assert_msg(at && (at == b.data || at[-1] == '\n'), "%s: no line %s in:\n%s", w->name,
                      w->want[i], b.data);
    }
    for (int i = 0; i < 3 && w->absent[i]; i++)
        ck_assert_msg(!strstr(b.data, w->absent[i]), "%s: %s present", w->name, w->absent[i]);
    buf_free(&b);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("metrics_text");
    TCase *tc = tcase_create("metrics_text");
    tcase_add_loop_test(tc, test_row, 0, NELEM(rows));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
