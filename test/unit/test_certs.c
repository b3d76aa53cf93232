/* test_certs.c: certs_check(), the boot-time certificate check, row by row
 * (expired, not yet valid, wrong key, missing SAN, missing EKU, chain),
 * on certificates made by tools/tls-certs.sh (the operator's tool) into a
 * fresh directory when the suite starts; and certs_is_own_mount(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkmain.h"
#include "net/certs.h"

static char dir[64];
static pid_t owner; /* Check forks a child per test: only the parent cleans up */

static void run(const char *cmd) {
    if (system(cmd) != 0) {
        fprintf(stderr, "fixture failed: %s\n", cmd);
        exit(2);
    }
}

static void cleanup(void) {
    if (getpid() != owner) return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
}

/* One CA (ca/), another (other/), and a certificate per row. */
static void make_fixtures(void) {
    snprintf(dir, sizeof dir, "/tmp/ri-certs.XXXXXX");
    if (!mkdtemp(dir)) exit(2);
    owner = getpid();
    atexit(cleanup);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tools/tls-certs.sh ca %s/ca && tools/tls-certs.sh ca %s/other", dir, dir);
    run(cmd);
    const char *rows[] = {
        "good pod-0.redis.ns.svc.cluster.local router.ns.svc",
        "wild *.redis.ns.svc.cluster.local",
        "expired pod-0.redis.ns.svc.cluster.local --from 20200101000000Z --until 20210101000000Z",
        "future pod-0.redis.ns.svc.cluster.local --from 20990101000000Z --until 20991231000000Z",
        "serveronly pod-0.redis.ns.svc.cluster.local --server-only",
        "ip 10.1.2.3",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char name[32];
        sscanf(rows[i], "%31s", name);
        char arg[256];
        snprintf(arg, sizeof arg, "%s %s", name, rows[i] + strlen(name) + 1);
        /* cert CA OUT NAMES...: OUT is dir/<first word> */
        snprintf(cmd, sizeof cmd, "tools/tls-certs.sh cert %s/ca %s/%s", dir, dir, arg);
        run(cmd);
    }
    snprintf(cmd, sizeof cmd, "tools/tls-certs.sh cert %s/other %s/foreign pod-0.redis.ns.svc.cluster.local",
             dir, dir);
    run(cmd);
}

static const struct {
    const char *cert, *key, *ca; /* fixture folders; the file names are tls.crt, tls.key, ca.crt */
    const char *names[3];
    int client_auth;
    const char *want; /* a substring of the error, NULL: accepted */
} rows[] = {
    {"good", "good", "good", {"pod-0.redis.ns.svc.cluster.local", "router.ns.svc"}, 1, NULL},
    {"good", "good", "good", {"POD-0.Redis.ns.svc.cluster.local"}, 0, NULL}, /* names ignore case */
    {"good", "good", "good", {"pod-1.redis.ns.svc.cluster.local"}, 0,
     "its SANs do not cover pod-1.redis.ns.svc.cluster.local"},
    {"good", "good", "good", {"router.ns.svc.cluster.local"}, 0, "do not cover router.ns.svc.cluster.local"},
    {"wild", "wild", "wild", {"pod-7.redis.ns.svc.cluster.local"}, 0, NULL},
    {"wild", "wild", "wild", {"a.pod-7.redis.ns.svc.cluster.local"}, 0, "do not cover"},
    {"ip", "ip", "ip", {"10.1.2.3"}, 0, NULL},
    {"ip", "ip", "ip", {"10.1.2.4"}, 0, "do not cover 10.1.2.4"},
    {"expired", "expired", "expired", {NULL}, 0, "[tls] cert: expired on 2021-01-01 00:00:00 UTC"},
    {"future", "future", "future", {NULL}, 0, "not yet valid (valid from 2099-01-01 00:00:00 UTC)"},
    {"good", "wild", "good", {NULL}, 0, "[tls] key: does not match the certificate"},
    {"serveronly", "serveronly", "serveronly", {"pod-0.redis.ns.svc.cluster.local"}, 0, NULL},
    {"serveronly", "serveronly", "serveronly", {NULL}, 1, "lacks clientAuth, which auth-clients = yes needs"},
    {"foreign", "foreign", "good", {NULL}, 0, "does not chain to the CA in"},
    {"good", "good", "foreign", {NULL}, 0, "does not chain to the CA in"},
    {"missing", "good", "good", {NULL}, 0, "[tls] cert: cannot open: No such file or directory"},
    {"good", "missing", "good", {NULL}, 0, "[tls] key: cannot open"},
    {"good", "good", "missing", {NULL}, 0, "[tls] ca: cannot load the CA bundle"},
    {"good", "good/ca.crt#", "good", {NULL}, 0, "[tls] key: not a PEM private key"},
};

static void path(char *out, size_t n, const char *folder, const char *file) {
    size_t l = strlen(folder);
    if (l && folder[l - 1] == '#') snprintf(out, n, "%s/%.*s", dir, (int)(l - 1), folder); /* a file */
    else snprintf(out, n, "%s/%s/%s", dir, folder, file);
}

START_TEST(check_rows) {
    char cert[256], key[256], ca[256];
    path(cert, sizeof cert, rows[_i].cert, "tls.crt");
    path(key, sizeof key, rows[_i].key, "tls.key");
    path(ca, sizeof ca, rows[_i].ca, "ca.crt");
    struct certs_want w = {.cert = cert, .key = key, .ca = ca, .now = time(NULL)};
    for (int i = 0; i < 3 && rows[_i].names[i]; i++) w.names[w.n_names++] = rows[_i].names[i];
    w.client_auth = rows[_i].client_auth;
    ri_err e = {0};
    long days = 0;
    int rc = certs_check(&w, &days, &e);
    if (!rows[_i].want) {
        ck_assert_msg(rc == 0, "row %d: %s", _i, e.msg);
        ck_assert_msg(days >= 363 && days <= 365, "row %d: %ld days left", _i, days);
    } else {
        ck_assert_int_eq(rc, EX_CONFIG);
        ck_assert_msg(strstr(e.msg, rows[_i].want), "row %d: \"%s\" lacks \"%s\"", _i, e.msg, rows[_i].want);
        ck_assert_msg(!strchr(e.msg, '\n'), "one line: %s", e.msg);
    }
}
END_TEST

/* The days left count down to the end of the period, negative after it. */
START_TEST(days_left) {
    char cert[256], key[256], ca[256];
    path(cert, sizeof cert, "good", "tls.crt");
    path(key, sizeof key, "good", "tls.key");
    path(ca, sizeof ca, "good", "ca.crt");
    struct certs_want w = {.cert = cert, .key = key, .ca = ca, .now = time(NULL) + 355 * 86400L};
    ri_err e = {0};
    long days = 0;
    ck_assert_int_eq(certs_check(&w, &days, &e), 0);
    ck_assert_msg(days >= 9 && days <= 10, "%ld", days);
    w.now = time(NULL) + 400 * 86400L;
    ck_assert_int_eq(certs_check(&w, &days, &e), EX_CONFIG);
    ck_assert_msg(strstr(e.msg, "expired on"), "%s", e.msg);
}
END_TEST

START_TEST(own_mount) {
    ck_assert_int_eq(certs_is_own_mount("/proc"), 1); /* a mount point */
    char cert[256];
    path(cert, sizeof cert, "good", "tls.crt");
    ck_assert_int_eq(certs_is_own_mount(cert), 0);
    ck_assert_int_eq(certs_is_own_mount("/no/such/file"), 0);
}
END_TEST

static Suite *make_suite(void) {
    make_fixtures();
    Suite *su = suite_create("certs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, check_rows, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, days_left);
    tcase_add_test(tc, own_mount);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(make_suite)
