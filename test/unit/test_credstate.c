/* test_credstate.c: the rotation's state file: written and read back, no
 * file is no rotation, and every malformed file refused with one line that
 * names the file and the field, never a value. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkmain.h"
#include "config/credstate.h"

#define G "3f2a9c1d07e4"

static char dir[64];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/ri-credstate.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, CREDSTATE_FILE);
    unlink(path);
    rmdir(dir);
}

static void put(const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, CREDSTATE_FILE);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static struct secrets *old_secrets(void) {
    static const char json[] =
        "{\"ADMIN_USERNAME\": \"admin\", \"ADMIN_PASSWORD\": \"old-admin\","
        " \"REPLICA_USERNAME\": \"replica\", \"REPLICA_PASSWORD\": \"old \\\"repl\\\" \\u00e9\","
        " \"APP_PASSWORD\": \"app-not-kept\"}";
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_parse_json(&s, json, strlen(json), "old.json", &e) == 0, "%s", e.msg);
    return s;
}

START_TEST(no_file_is_no_rotation) {
    struct creds_state st;
    ri_err e = {0};
    ck_assert_int_eq(credstate_read(dir, &st, &e), 0);
    ck_assert_int_eq(st.phase, CREDS_NONE);
    ck_assert_str_eq(st.gen, "");
    ck_assert_ptr_null(st.old_login);
}
END_TEST

START_TEST(round_trip) {
    struct creds_state st = {.gen = G, .phase = CREDS_USE};
    st.old_users.n = 2;
    snprintf(st.old_users.u[0].name, sizeof st.old_users.u[0].name, "replica");
    snprintf(st.old_users.u[1].name, sizeof st.old_users.u[1].name, "app");
    for (int i = 0; i < 32; i++) st.old_users.u[0].hash[i] = (unsigned char)i, st.old_users.u[1].hash[i] = 0xff;
    struct secrets *old = old_secrets();
    ri_err e = {0};
    ck_assert_msg(credstate_write(dir, &st, old, &e) == 0, "%s", e.msg);
    secrets_free(old);

    char path[128];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, CREDSTATE_FILE);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);

    struct creds_state got;
    ck_assert_msg(credstate_read(dir, &got, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(got.gen, G);
    ck_assert_int_eq(got.phase, CREDS_USE);
    ck_assert_int_eq(got.old_users.n, 2);
    for (int i = 0; i < 2; i++) { /* sorted by name in the file: match by name */
        const struct creds_user *w = &st.old_users.u[strcmp(got.old_users.u[i].name, "app") == 0];
        ck_assert_str_eq(got.old_users.u[i].name, w->name);
        ck_assert_int_eq(memcmp(got.old_users.u[i].hash, w->hash, 32), 0);
    }
    ck_assert_ptr_nonnull(got.old_login);
    ck_assert_str_eq(secrets_get(got.old_login, "REPLICA_PASSWORD", NULL), "old \"repl\" \xc3\xa9");
    ck_assert_str_eq(secrets_get(got.old_login, "ADMIN_USERNAME", NULL), "admin");
    ck_assert_ptr_null(secrets_get(got.old_login, "APP_PASSWORD", NULL)); /* not a login key */
    credstate_free(&got);
}
END_TEST

START_TEST(done_without_old) {
    struct creds_state st = {.gen = G, .phase = CREDS_DONE}, got;
    ri_err e = {0};
    ck_assert_msg(credstate_write(dir, &st, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(credstate_read(dir, &got, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(got.phase, CREDS_DONE);
    ck_assert_int_eq(got.old_users.n, 0);
    ck_assert_ptr_null(got.old_login);
}
END_TEST

#define OK_USERS "\"old_users\": {}, \"old_login\": {}"
static const struct {
    const char *text, *msg;
} bad[] = {
    {"{\"version\": 1, \"gen\": \"" G "\"", "malformed JSON"},
    {"[1]", "the file: not a JSON object"},
    {"{\"version\": 2, \"gen\": \"" G "\", \"phase\": \"use\", " OK_USERS "}", "version: not 1"},
    {"{\"version\": 1, \"gen\": \"3F2A9C1D07E4\", \"phase\": \"use\", " OK_USERS "}",
     "gen: not 12 lowercase hex digits"},
    {"{\"version\": 1, \"gen\": \"" G "\", \"phase\": \"finish\", " OK_USERS "}",
     "phase: not accept, use or done"},
    {"{\"version\": 1, \"gen\": \"" G "\", \"phase\": \"use\", \"old_users\": {\"app\": \"zz\"},"
     " \"old_login\": {}}",
     "old_users: a hash is not 64 lowercase hex digits"},
    {"{\"version\": 1, \"gen\": \"" G "\", \"phase\": \"use\", \"old_users\": {},"
     " \"old_login\": {\"ADMIN_PASSWORD\": 5}}",
     "old_login: key ADMIN_PASSWORD"},
    {"{\"version\": 1, \"gen\": \"" G "\", \"phase\": \"use\", \"old_users\": [],"
     " \"old_login\": {}}",
     "old_users: not an object"},
};

START_TEST(refused) {
    struct creds_state st;
    ri_err e = {0};
    put(bad[_i].text);
    ck_assert_int_eq(credstate_read(dir, &st, &e), EX_DATAERR);
    ck_assert_msg(strstr(e.msg, CREDSTATE_FILE) && strstr(e.msg, bad[_i].msg), "row %d: %s", _i,
                  e.msg);
    ck_assert_ptr_null(st.old_login);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("credstate");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_file_is_no_rotation);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, done_without_old);
    tcase_add_loop_test(tc, refused, 0, sizeof bad / sizeof bad[0]);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
