/* test_render.c: rendering is deterministic, quotes every secret so that it
 * round-trips through Redis's own splitter, hashes ACL passwords, and puts
 * paths where the files really are. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkmain.h"
#include "render_fixture.h"
#include "base/quote.h"
#include "engine/render.h"
#include "base/sha256.h"

#define SECRETS_FMT \
    "{\"data\": {\"REPLICA_USERNAME\": \"replica-user\", \"REPLICA_PASSWORD\": \"%s\"," \
    " \"SENTINEL_USERNAME\": \"sentinel-user\", \"SENTINEL_PASSWORD\": \"sentinel-pass\"," \
    " \"SENTINEL_SYNC_USERNAME\": \"%s\", \"SENTINEL_SYNC_PASSWORD\": \"sync-pass\"," \
    " \"ADMIN_USERNAME\": \"admin\", \"ADMIN_PASSWORD\": \"admin-pass\"," \
    " \"SERVICE_USERNAME\": \"api_service\", \"SERVICE_PASSWORD\": \"api-pass\"}}"

static struct secrets *make_secrets(const char *repl_json, const char *sync_user) {
    char buf[2048];
    snprintf(buf, sizeof buf, SECRETS_FMT, repl_json, sync_user);
    return secrets_from_text(buf);
}


/* The text of file i as a NUL-terminated string (owned by r). */
static const char *file_text(struct rendered *r, int i) {
    buf_append(&r->bufs[i], "", 1);  /* NUL terminator, not counted below */
    r->bufs[i].len--;
    return r->bufs[i].data;
}

/* The arguments of the first line starting with prefix, split like Redis. */
static int split_line(const char *text, const char *prefix, char **args, size_t *lens) {
    const char *p = strstr(text, prefix);
    ck_assert_msg(p != NULL, "no line starting with %s", prefix);
    const char *end = strchr(p, '\n');
    char line[4096];
    snprintf(line, sizeof line, "%.*s", (int)(end - p), p);
    return conf_split(line, args, lens, 8);
}

/* Render for pod with the given role and sync user name; returns the code. */
static int render_rc(const char *pod, const char *repl_json, const char *sync_user,
                     const struct role_target *t, int sentinel, struct rendered *r, ri_err *e) {
    struct settings s;
    struct secrets *sec = make_secrets(repl_json, sync_user);
    make_settings(&s, pod);
    int rc = sentinel ? render_sentinel(&s, sec, NULL, t, r, e) : render_redis(&s, sec, NULL, t, r, e);
    secrets_free(sec);
    return rc;
}

/* The same, failing the test on any error. */
static void render_ok(const char *pod, const char *repl_json, const struct role_target *t,
                      int sentinel, struct rendered *r) {
    ri_err e = {0};
    int rc = render_rc(pod, repl_json, "sentinel-sync", t, sentinel, r, &e);
    ck_assert_msg(rc == 0, "%s", e.msg);
}

START_TEST(redis_master_has_no_replicaof_and_real_paths) {
    struct rendered r;
    struct role_target t = {.action = ACT_MASTER, .rule = "B5"};
    render_ok("redis-cluster-server-0", "replica-pass", &t, 0, &r);
    const char *conf = file_text(&r, 0);
    ck_assert_ptr_null(strstr(conf, "\nreplicaof"));
    ck_assert_ptr_nonnull(strstr(conf, "\naclfile \"/conf/users.acl\"\n"));
    ck_assert_ptr_nonnull(strstr(conf, "\ndir \"/data\"\n"));
    ck_assert_ptr_nonnull(strstr(conf,
        "\nreplica-announce-ip \"redis-cluster-server-0.redis-cluster-server.default.svc.cluster.local\"\n"));
    ck_assert_ptr_nonnull(strstr(conf, "\nappendonly yes\n"));
    ck_assert_ptr_nonnull(strstr(conf, "\nmin-replicas-to-write 1\n"));
    ck_assert_str_eq(r.files[0].name, "redis.conf");
    ck_assert_str_eq(r.files[1].name, "users.acl");
    ck_assert_int_eq(r.files[0].mode, 0600);
    ck_assert_int_eq(r.files[1].mode, 0600);
    rendered_free(&r);
}
END_TEST

START_TEST(redis_replica_line) {
    struct rendered r;
    struct role_target t = {.action = ACT_FOLLOW, .host = "redis-0.example", .port = 6380, .rule = "S5"};
    render_ok("redis-cluster-server-2", "replica-pass", &t, 0, &r);
    ck_assert_ptr_nonnull(strstr(file_text(&r, 0), "\nreplicaof \"redis-0.example\" 6380\n"));
    rendered_free(&r);
}
END_TEST

/* JSON-escaped password -> the bytes it stands for. */
static const struct { const char *json, *bytes; } tricky[] = {
    {"with space", "with space"},
    {"dq\\\"sq'", "dq\"sq'"},
    {"back\\\\slash", "back\\slash"},
    {"#$!()%&/=;", "#$!()%&/=;"},
    {"-leading-dash", "-leading-dash"},
    {"\\u00e9\\u65e5\\ud83d\\udd11", "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x94\x91"},
    {"tab\\tnewline\\ncr\\r", "tab\tnewline\ncr\r"},
    {"%s%n%x", "%s%n%x"},
};

START_TEST(masterauth_round_trips) {
    struct rendered r;
    struct role_target t = {.action = ACT_MASTER};
    render_ok("redis-cluster-server-1", tricky[_i].json, &t, 0, &r);
    char *args[8];
    size_t lens[8];
    int n = split_line(file_text(&r, 0), "masterauth ", args, lens);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(lens[1], strlen(tricky[_i].bytes));
    ck_assert_mem_eq(args[1], tricky[_i].bytes, lens[1]);
    conf_free_args(args, n);
    /* users.acl never holds it, only its hash */
    const char *acl = file_text(&r, 1);
    ck_assert_ptr_null(strstr(acl, tricky[_i].bytes));
    unsigned char md[32];
    char hex[65], want[128];
    sha256(tricky[_i].bytes, strlen(tricky[_i].bytes), md);
    hex_encode(md, 32, hex);
    snprintf(want, sizeof want, "user replica-user on #%s ", hex);
    ck_assert_msg(strstr(acl, want) != NULL, "no hashed replica line in:\n%s", acl);
    rendered_free(&r);
}
END_TEST

START_TEST(redis_users_least_privilege) {
    struct rendered r;
    struct role_target t = {.action = ACT_MASTER};
    render_ok("redis-cluster-server-0", "replica-pass", &t, 0, &r);
    const char *acl = file_text(&r, 1);
    ck_assert_msg(strncmp(acl, "user default off resetpass ", 27) == 0, "%s", acl);
    ck_assert_ptr_nonnull(strstr(acl, " -@all +psync +replconf +ping\n"));
    ck_assert_ptr_nonnull(strstr(acl, "&__sentinel__:hello"));
    ck_assert_ptr_nonnull(strstr(acl, "-@admin -@dangerous"));
    ck_assert_ptr_nonnull(strstr(acl, "user redis-init-probe on #"));
    ck_assert_ptr_null(strstr(acl, "nopass"));
    ck_assert_ptr_null(strstr(acl, "user exporter ")); /* only with EXPORTER_PASSWORD */
    rendered_free(&r);
}
END_TEST

START_TEST(same_inputs_same_bytes) {
    struct settings s;
    struct rendered a, b;
    ri_err e = {0};
    struct secrets *sec = make_secrets("replica-pass", "sentinel-sync");
    make_settings(&s, "redis-cluster-sentinel-1");
    struct role_target t = {.action = ACT_MONITOR, .host = "m.example", .port = 6379, .rule = "T1"};
    ck_assert_msg(render_sentinel(&s, sec, NULL, &t, &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(render_sentinel(&s, sec, NULL, &t, &b, &e), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(a.bufs[i].len, b.bufs[i].len);
        ck_assert_mem_eq(a.bufs[i].data, b.bufs[i].data, a.bufs[i].len);
    }
    rendered_free(&a);
    rendered_free(&b);
    secrets_free(sec);
}
END_TEST

START_TEST(sentinel_order_and_identity) {
    struct rendered r;
    struct role_target t = {.action = ACT_MONITOR, .host = "m.example", .port = 6379, .rule = "T2"};
    render_ok("redis-cluster-sentinel-2", "replica-pass", &t, 1, &r);
    const char *conf = file_text(&r, 0);
    const char *resolve = strstr(conf, "\nsentinel resolve-hostnames yes\n");
    const char *announce = strstr(conf, "\nsentinel announce-hostnames yes\n");
    const char *monitor = strstr(conf, "\nsentinel monitor mymaster \"m.example\" 6379 2\n");
    ck_assert_ptr_nonnull(resolve);
    ck_assert_ptr_nonnull(announce);
    ck_assert_ptr_nonnull(monitor);
    ck_assert(resolve < monitor && announce < monitor);
    char myid[41], other[41], line[80];
    render_sentinel_myid("redis-cluster-sentinel-2.redis-cluster-sentinel.default.svc.cluster.local", myid);
    render_sentinel_myid("redis-cluster-sentinel-1.redis-cluster-sentinel.default.svc.cluster.local", other);
    ck_assert_str_ne(myid, other);
    ck_assert_uint_eq(strspn(myid, "0123456789abcdef"), 40);
    snprintf(line, sizeof line, "\nsentinel myid %s\n", myid);
    ck_assert_ptr_nonnull(strstr(conf, line));
    ck_assert_ptr_nonnull(strstr(conf, "\nsentinel auth-user mymaster \"sentinel-user\"\n"));
    ck_assert_ptr_nonnull(strstr(conf, "\nsentinel sentinel-user \"sentinel-sync\"\n"));
    const char *acl = file_text(&r, 1);
    ck_assert_ptr_nonnull(strstr(acl, "user sentinel-sync on #"));
    ck_assert_ptr_nonnull(strstr(acl, "+sentinel|get-master-addr-by-name"));
    rendered_free(&r);
}
END_TEST

/* Every configured peer is known from the start: the other sentinels with
 * their deterministic ids, the redis pods but the monitored master. */
START_TEST(sentinel_knows_its_peers) {
    struct rendered r;
    struct role_target t = {.action = ACT_MONITOR, .port = 6379, .rule = "T2",
        .host = "redis-cluster-server-1.redis-cluster-server.default.svc.cluster.local"};
    render_ok("redis-cluster-sentinel-2", "replica-pass", &t, 1, &r);
    const char *conf = file_text(&r, 0), *monitor = strstr(conf, "\nsentinel monitor ");
    char id[41], line[256];
    for (int i = 0; i < 3; i++) {
        char host[128];
        snprintf(host, sizeof host, "redis-cluster-sentinel-%d.redis-cluster-sentinel.default.svc.cluster.local", i);
        render_sentinel_myid(host, id);
        snprintf(line, sizeof line, "\nsentinel known-sentinel mymaster \"%s\" 26379 %s\n", host, id);
        const char *at = strstr(conf, line);
        ck_assert_msg(i == 2 ? at == NULL : at != NULL && at > monitor, "sentinel %d: %s", i, conf);
        snprintf(line, sizeof line, "\nsentinel known-replica mymaster "
                 "\"redis-cluster-server-%d.redis-cluster-server.default.svc.cluster.local\" 6379\n", i);
        at = strstr(conf, line);
        ck_assert_msg(i == 1 ? at == NULL : at != NULL && at > monitor, "replica %d: %s", i, conf);
    }
    rendered_free(&r);
}
END_TEST

START_TEST(duplicate_user_names_rejected) {
    struct rendered r;
    ri_err e = {0};
    /* the sync user reuses the admin's name: the sentinel ACL would have it twice */
    struct role_target t = {.action = ACT_MONITOR, .host = "m", .port = 6379};
    ck_assert_int_eq(render_rc("redis-cluster-sentinel-0", "replica-pass", "admin", &t, 1, &r, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, "SENTINEL_SYNC_USERNAME"));
    ck_assert_ptr_nonnull(strstr(e.msg, "ADMIN_USERNAME"));
}
END_TEST

START_TEST(no_ordinal_is_a_config_error) {
    struct rendered r;
    ri_err e = {0};
    struct role_target t = {.action = ACT_MASTER};
    ck_assert_int_eq(render_rc("laptop", "replica-pass", "sentinel-sync", &t, 0, &r, &e), EX_CONFIG);
    ck_assert_ptr_nonnull(strstr(e.msg, "POD_NAME"));
}
END_TEST

START_TEST(user_template_dir_overrides_and_errors) {
    struct settings s;
    struct rendered r;
    ri_err e = {0};
    char dir[] = "/tmp/ri-tmpl-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/redis.conf.tmpl", dir);
    FILE *f = fopen(path, "w");
    fputs("port {{port}}\n{{#replicaof}}replicaof {{host}} {{port}}\n{{/replicaof}}", f);
    fclose(f);
    struct secrets *sec = make_secrets("replica-pass", "sentinel-sync");
    make_settings(&s, "redis-cluster-server-0");
    snprintf(s.templates_dir, sizeof s.templates_dir, "%s", dir);
    struct role_target t = {.action = ACT_MASTER};
    ck_assert_msg(render_redis(&s, sec, NULL, &t, &r, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(file_text(&r, 0), "port 6379\n");
    ck_assert_ptr_nonnull(strstr(file_text(&r, 1), "user default off"));  /* built-in acl */
    rendered_free(&r);
    f = fopen(path, "w");
    fputs("port {{port}}\nmasterauth {{no_such_var}}\n", f);
    fclose(f);
    ck_assert_int_eq(render_redis(&s, sec, NULL, &t, &r, &e), EX_CONFIG);
    ck_assert_ptr_nonnull(strstr(e.msg, "redis.conf.tmpl:2"));
    unlink(path);
    rmdir(dir);
    secrets_free(sec);
}
END_TEST

/* What the flavour changes in rendered files: only the sentinel's users.acl
 * (Valkey's "primary" SENTINEL subcommands, which Redis refuses to load).
 * redis.conf and sentinel.conf are the same bytes for both. */
static const struct {
    const char *flavour;
    int sentinel;
    const char *user;      /* the users.acl line's prefix */
    const char *rule;      /* a rule in it */
    int present;
} flavour_acl[] = {
    {"valkey", 1, "user api_service on #", " +sentinel|get-primary-addr-by-name", 1},
    {"valkey", 1, "user api_service on #", " +sentinel|primaries", 1},
    {"valkey", 1, "user api_service on #", " +sentinel|primary", 1},
    {"valkey", 1, "user api_service on #", " +sentinel|master ", 1},
    {"valkey", 1, "user sentinel-sync on #", " +sentinel|is-primary-down-by-addr", 1},
    {"valkey", 1, "user sentinel-sync on #", " +sentinel|is-master-down-by-addr", 1},
    {"redis", 1, "user api_service on #", " +sentinel|get-primary-addr-by-name", 0},
    {"redis", 1, "user api_service on #", " +sentinel|primar", 0},
    {"redis", 1, "user sentinel-sync on #", " +sentinel|is-primary-down-by-addr", 0},
    {"redis", 1, "user sentinel-sync on #", " +sentinel|is-master-down-by-addr", 1},
    {"valkey", 0, "user sentinel-user on #", " +slaveof", 1},  /* Valkey's Sentinel still sends SLAVEOF */
    {"valkey", 0, "user replica-user on #", " +psync +replconf +ping", 1},
};

/* The line of text starting with prefix, copied into out. */
static const char *line_of(const char *text, const char *prefix, char *out, size_t cap) {
    const char *p = strstr(text, prefix);
    ck_assert_msg(p != NULL, "no line %s", prefix);
    snprintf(out, cap, "%.*s ", (int)strcspn(p, "\n"), p);   /* a trailing space ends the last rule */
    return out;
}

static void render_flavour_with(const char *flavour, int sentinel, const char *sentinel_default,
                                struct rendered *r) {
    struct settings s;
    ri_err e = {0};
    struct secrets *sec = make_secrets("replica-pass", "sentinel-sync");
    settings_init(&s);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "test", "server", "flavour", flavour, &e), 0);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "test", "acl", "sentinel-default-user",
                                  sentinel_default, &e), 0);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "test", "cluster", "pod-name",
                                  sentinel ? "redis-cluster-sentinel-0" : "redis-cluster-server-0", &e), 0);
    ck_assert_msg(settings_finish(&s, &e) == 0, "%s", e.msg);
    struct role_target t = {.action = sentinel ? ACT_MONITOR : ACT_MASTER, .host = "m", .port = 6379, .rule = "T"};
    int rc = sentinel ? render_sentinel(&s, sec, NULL, &t, r, &e) : render_redis(&s, sec, NULL, &t, r, &e);
    ck_assert_msg(rc == 0, "%s", e.msg);
    secrets_free(sec);
}

static void render_flavour(const char *flavour, int sentinel, struct rendered *r) {
    render_flavour_with(flavour, sentinel, "off", r);
}

/* [acl] sentinel-default-user: the sentinels' default user, whole line. */
static const struct {
    const char *flavour, *setting;
    int sentinel;
    const char *line;
} default_user[] = {
    {"redis", "off", 1, "user default off resetpass resetkeys resetchannels -@all"},
    {"redis", "discovery", 1,
     "user default on nopass resetkeys resetchannels &* -@all +ping +subscribe +psubscribe "
     "+unsubscribe +punsubscribe +sentinel|get-master-addr-by-name +sentinel|replicas "
     "+sentinel|slaves +sentinel|sentinels"},
    {"valkey", "discovery", 1,
     "user default on nopass resetkeys resetchannels &* -@all +ping +subscribe +psubscribe "
     "+unsubscribe +punsubscribe +sentinel|get-master-addr-by-name +sentinel|replicas "
     "+sentinel|slaves +sentinel|sentinels +sentinel|get-primary-addr-by-name"},
    /* the servers' default user is not the sentinels' */
    {"redis", "discovery", 0, "user default off resetpass resetkeys resetchannels -@all"},
};

START_TEST(sentinel_default_user) {
    struct rendered r;
    char line[4096], want[4096];
    render_flavour_with(default_user[_i].flavour, default_user[_i].sentinel,
                        default_user[_i].setting, &r);
    line_of(file_text(&r, 1), "user default ", line, sizeof line);
    snprintf(want, sizeof want, "%s ", default_user[_i].line);
    ck_assert_str_eq(line, want);
    rendered_free(&r);
}
END_TEST

START_TEST(flavour_acl_rules) {
    struct rendered r;
    char line[4096];
    render_flavour(flavour_acl[_i].flavour, flavour_acl[_i].sentinel, &r);
    line_of(file_text(&r, 1), flavour_acl[_i].user, line, sizeof line);
    ck_assert_msg((strstr(line, flavour_acl[_i].rule) != NULL) == flavour_acl[_i].present,
                  "%s: %s%s in: %s", flavour_acl[_i].flavour, flavour_acl[_i].present ? "want" : "unwanted",
                  flavour_acl[_i].rule, line);
    rendered_free(&r);
}
END_TEST

START_TEST(flavour_same_conf) {
    for (int sentinel = 0; sentinel < 2; sentinel++) {
        struct rendered a, b;
        render_flavour("redis", sentinel, &a);
        render_flavour("valkey", sentinel, &b);
        ck_assert_uint_eq(a.bufs[0].len, b.bufs[0].len);
        ck_assert_mem_eq(a.bufs[0].data, b.bufs[0].data, a.bufs[0].len);
        if (!sentinel) {   /* the server's users.acl is the same too */
            ck_assert_uint_eq(a.bufs[1].len, b.bufs[1].len);
            ck_assert_int_eq(memcmp(a.bufs[1].data, b.bufs[1].data, a.bufs[1].len), 0);
        }
        rendered_free(&a);
        rendered_free(&b);
    }
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, redis_master_has_no_replicaof_and_real_paths);
    tcase_add_test(tc, redis_replica_line);
    tcase_add_loop_test(tc, masterauth_round_trips, 0, (int)(sizeof tricky / sizeof tricky[0]));
    tcase_add_loop_test(tc, sentinel_default_user, 0,
                        (int)(sizeof default_user / sizeof default_user[0]));
    tcase_add_test(tc, redis_users_least_privilege);
    tcase_add_test(tc, same_inputs_same_bytes);
    tcase_add_test(tc, sentinel_order_and_identity);
    tcase_add_test(tc, sentinel_knows_its_peers);
    tcase_add_test(tc, duplicate_user_names_rejected);
    tcase_add_test(tc, no_ordinal_is_a_config_error);
    tcase_add_test(tc, user_template_dir_overrides_and_errors);
    tcase_add_loop_test(tc, flavour_acl_rules, 0, (int)(sizeof flavour_acl / sizeof flavour_acl[0]));
    tcase_add_test(tc, flavour_same_conf);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
