/* test_creds.c: creds_collect(), creds_generation() and creds_diff() row by
 * row: a base set of secrets, one edit per row, what the diff says and
 * whether the generation moves. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "checkmain.h"
#include "base/sha256.h"
#include "config/creds.h"

/* The base secrets; a row's edits ("KEY=VALUE;...", an empty VALUE too)
 * replace a key's value or add the key. */
static const char *const base[][2] = {
    {"ADMIN_USERNAME", "admin"},    {"ADMIN_PASSWORD", "admin-pw"},
    {"REPLICA_USERNAME", "replica"}, {"REPLICA_PASSWORD", "replica-pw"},
    {"SENTINEL_USERNAME", "sentinel"}, {"SENTINEL_PASSWORD", "sentinel-pw"},
    {"SENTINEL_SYNC_USERNAME", "sync"}, {"SENTINEL_SYNC_PASSWORD", "sync-pw"},
    {"SERVICE_USERNAME", "app"},    {"SERVICE_PASSWORD", "app-pw"},
    {"WEBDIS_PASSWORD", "webdis-pw"},
};
#define N_BASE ((int)(sizeof base / sizeof base[0]))

static struct secrets *parse_json(const char *buf) {
    struct secrets *sec = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_parse_json(&sec, buf, strlen(buf), "test.json", &e) == 0, "%s", e.msg);
    return sec;
}

/* base with edits, reversed when reverse (the same secrets in another order). */
static struct secrets *parse(const char *edits, int reverse) {
    char keys[32][40], vals[32][40], buf[2048];
    int n = 0;
    for (int i = 0; i < N_BASE; i++, n++) {
        snprintf(keys[n], sizeof keys[n], "%s", base[i][0]);
        snprintf(vals[n], sizeof vals[n], "%s", base[i][1]);
    }
    for (const char *p = edits; p && *p;) {
        size_t len = strcspn(p, ";"), k = strcspn(p, "=");
        int j = 0;
        while (j < n && !(strlen(keys[j]) == k && strncmp(keys[j], p, k) == 0)) j++;
        if (j == n) snprintf(keys[n++], sizeof keys[0], "%.*s", (int)k, p);
        snprintf(vals[j], sizeof vals[j], "%.*s", (int)(len - k - 1), p + k + 1);
        p += len + (p[len] == ';');
    }
    size_t at = (size_t)snprintf(buf, sizeof buf, "{\"data\": {");
    for (int i = 0; i < n; i++) {
        int j = reverse ? n - 1 - i : i;
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s\"%s\": \"%s\"", i ? ", " : "",
                               keys[j], vals[j]);
    }
    snprintf(buf + at, sizeof buf - at, "}}");
    return parse_json(buf);
}

static void settings(struct settings *s, int tls, const char *acl_user) {
    ri_err e = {0};
    settings_init(s);
    ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "t", "cluster", "pod-name", "p-0", &e), 0);
    if (tls) {
        ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "t", "tls", "mode", "on", &e), 0);
    }
    if (acl_user) {
        ck_assert_int_eq(settings_set(s, ORIGIN_FLAG, "t", "acl", "user", acl_user, &e), 0);
    }
    ck_assert_msg(settings_finish(s, &e) == 0, "%s", e.msg);
}

static void collect(const char *edits, int reverse, int tls, const char *acl_user,
                    struct creds_set *c) {
    struct settings s;
    struct secrets *sec = parse(edits, reverse);
    ri_err e = {0};
    settings(&s, tls, acl_user);
    ck_assert_msg(creds_collect(sec, &s, c, &e) == 0, "%s", e.msg);
    secrets_free(sec);
}

static const struct {
    const char *what;
    const char *edits;    /* the new secrets: base with these */
    int tls;              /* both sides */
    const char *acl_user; /* the new side's [acl] user */
    const char *diff;     /* creds_diff_text */
    int same_gen;
} rows[] = {
    {"the same secrets, keys in another order", NULL, 0, NULL, "no user changed", 1},
    {"a key that holds no credential", "NOTE=x", 0, NULL, "no user changed", 1},
    {"the replication password", "REPLICA_PASSWORD=new", 0, NULL, "password changed for replica",
     0},
    {"the admin password: the derived probe user too", "ADMIN_PASSWORD=new", 0, NULL,
     "password changed for admin, redis-init-probe", 0},
    {"the admin password with TLS: the reload user too", "ADMIN_PASSWORD=new", 1, NULL,
     "password changed for admin, redis-init-probe, redis-init-reload", 0},
    {"a probe password given: it, not the admin's, makes the probe's", "PROBE_PASSWORD=probe-pw",
     0, NULL, "password changed for redis-init-probe", 0},
    {"the service user renamed", "SERVICE_USERNAME=api", 0, NULL, "added: api; removed: app", 0},
    {"the exporter added", "EXPORTER_PASSWORD=exp-pw", 0, NULL, "added: exporter", 0},
    {"Webdis removed (its password empty)", "WEBDIS_PASSWORD=", 0, NULL, "removed: webdis", 0},
    {"an [acl] user added", "REPORT_PASSWORD=r-pw", 0, "report REPORT_PASSWORD ~report:* +@read",
     "added: report", 0},
    {"two at once", "SENTINEL_PASSWORD=n1;SENTINEL_SYNC_PASSWORD=n2", 0, NULL,
     "password changed for sentinel, sync", 0},
};

START_TEST(diff_rows) {
    struct creds_set old, cur;
    struct creds_diff d;
    char text[256], g_old[CREDS_GEN_LEN + 1], g_new[CREDS_GEN_LEN + 1];
    collect(NULL, 0, rows[_i].tls, NULL, &old);
    collect(rows[_i].edits, _i == 0, rows[_i].tls, rows[_i].acl_user, &cur);
    creds_diff(&old, &cur, &d);
    creds_diff_text(&d, text, sizeof text);
    ck_assert_msg(strcmp(text, rows[_i].diff) == 0, "%s: \"%s\"", rows[_i].what, text);
    creds_generation(&old, g_old);
    creds_generation(&cur, g_new);
    ck_assert_msg(strlen(g_new) == CREDS_GEN_LEN, "%s: gen %s", rows[_i].what, g_new);
    ck_assert_msg((strcmp(g_old, g_new) == 0) == rows[_i].same_gen, "%s: %s vs %s", rows[_i].what,
                  g_old, g_new);
}
END_TEST

/* An [acl] user on both sides: its rules count in the generation and the
 * diff; the built-in users' generation does not move with them. */
static const struct {
    const char *old_rules, *new_rules, *diff;
    int same_gen;
} rule_rows[] = {
    {"~report:* +@read", "~report:* +@read", "no user changed", 1},
    {"~report:* +@read", "~report:* +@all", "rules changed for report", 0},
    {"~report:* +@read", "~other:* +@read", "rules changed for report", 0},
};

START_TEST(rules_rows) {
    struct creds_set old, cur, none;
    struct creds_diff d;
    char text[256], ol[128], nl[128], g_old[CREDS_GEN_LEN + 1], g_new[CREDS_GEN_LEN + 1];
    snprintf(ol, sizeof ol, "report REPORT_PASSWORD %s", rule_rows[_i].old_rules);
    snprintf(nl, sizeof nl, "report REPORT_PASSWORD %s", rule_rows[_i].new_rules);
    collect("REPORT_PASSWORD=r-pw", 0, 0, ol, &old);
    collect("REPORT_PASSWORD=r-pw", 0, 0, nl, &cur);
    creds_diff(&old, &cur, &d);
    creds_diff_text(&d, text, sizeof text);
    ck_assert_msg(strcmp(text, rule_rows[_i].diff) == 0, "row %d: \"%s\"", _i, text);
    creds_generation(&old, g_old);
    creds_generation(&cur, g_new);
    ck_assert_int_eq(strcmp(g_old, g_new) == 0, rule_rows[_i].same_gen);
    /* A state file keeps no rules: every [acl] user counts as changed. */
    none = old;
    for (int i = 0; i < none.n; i++) none.u[i].has_rules = 0;
    creds_diff(&none, &cur, &d);
    ck_assert_int_eq(d.n_rules, 1);
    ck_assert_int_eq(d.n_changed + d.n_added + d.n_removed, 0);
}
END_TEST

/* What the set holds: names, never a password; hashes as users.acl has them. */
START_TEST(no_values) {
    struct creds_set c;
    collect(NULL, 0, 0, NULL, &c);
    ck_assert_int_eq(c.n, 7); /* admin replica sentinel sync app probe webdis */
    for (int i = 0; i < c.n; i++) ck_assert_ptr_null(strstr(c.u[i].name, "-pw"));
    unsigned char want[32];
    sha256("admin-pw", 8, want);
    ck_assert_str_eq(c.u[0].name, "admin");
    ck_assert_int_eq(memcmp(c.u[0].hash, want, 32), 0);
}
END_TEST

START_TEST(refusals) {
    struct settings s;
    struct creds_set c;
    settings(&s, 0, NULL);
    static const struct {
        const char *body, *msg;
    } bad[] = {
        {"{\"data\": {\"ADMIN_USERNAME\": \"admin\"}}", "key ADMIN_PASSWORD: missing"},
        {NULL, "key REPLICA_PASSWORD: empty"},
        {NULL, "key SERVICE_USERNAME"},
    };
    static const char *const edits[] = {NULL, "REPLICA_PASSWORD=", "SERVICE_USERNAME=a b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct secrets *sec = bad[i].body ? parse_json(bad[i].body) : parse(edits[i], 0);
        ri_err e = {0};
        ck_assert_int_eq(creds_collect(sec, &s, &c, &e), EX_DATAERR);
        ck_assert_msg(strstr(e.msg, bad[i].msg), "row %zu: %s", i, e.msg);
        ck_assert_msg(!strstr(e.msg, "-pw"), "row %zu: a value in \"%s\"", i, e.msg);
        secrets_free(sec);
    }
}
END_TEST

START_TEST(text_truncates) {
    struct creds_set old, cur;
    struct creds_diff d;
    char text[24];
    collect(NULL, 0, 0, NULL, &old);
    collect("SENTINEL_PASSWORD=n1;SENTINEL_SYNC_PASSWORD=n2", 0, 0, NULL, &cur);
    creds_diff(&old, &cur, &d);
    creds_diff_text(&d, text, sizeof text);
    ck_assert_int_eq(strlen(text), sizeof text - 1);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("creds");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, diff_rows, 0, sizeof rows / sizeof rows[0]);
    tcase_add_loop_test(tc, rules_rows, 0, sizeof rule_rows / sizeof rule_rows[0]);
    tcase_add_test(tc, no_values);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, text_truncates);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
