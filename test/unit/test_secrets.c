/* test_secrets.c: the three input formats, comment/trailing-comma handling,
 * exact error positions, rejected inputs and byte-exact values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkmain.h"
#include "config/secrets.h"

static const char *fixture(const char *name) {
    static char buf[1024];
    const char *dir = getenv("RI_FIXTURES");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "test/fixtures", name);
    return buf;
}

/* The values of test/fixtures/seed000-config.json, the bash scripts' config.json. */
static const struct { const char *key, *val; } seed_values[] = {
    {"REPLICA_USERNAME", "replica-user"},   {"REPLICA_PASSWORD", "replica-pass"},
    {"SENTINEL_USERNAME", "sentinel-user"}, {"SENTINEL_PASSWORD", "sentinel-pass"},
    {"SENTINEL_SYNC_USERNAME", "sentinel-user"}, {"SENTINEL_SYNC_PASSWORD", "sentinel-pass"},
    {"ADMIN_PASSWORD", "admin"},            {"ADMIN_USERNAME", "admin"},
    {"SERVICE_PASSWORD", "api_pass"},       {"SERVICE_USERNAME", "api_service"},
    {"DEFAULT_USER_PASS", "default_pass1"},
};
#define N_SEED (int)(sizeof seed_values / sizeof seed_values[0])

static struct secrets *parse_ok(const char *text) {
    struct secrets *s = NULL;
    ri_err e = {0};
    int rc = secrets_parse_json(&s, text, strlen(text), "config.json", &e);
    ck_assert_msg(rc == 0, "parse failed: %s", e.msg);
    return s;
}

static int parse_fail(const char *text, ri_err *e) {
    struct secrets *s = NULL;
    memset(e, 0, sizeof *e);
    int rc = secrets_parse_json(&s, text, strlen(text), "config.json", e);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(rc, e->code);
    return rc;
}

/* ---- the three formats ---- */

static const char *const format_paths[] = {"seed000-config.json", "secrets-flat.json", "secrets-dir"};

START_TEST(formats_same_values) {
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_load(&s, fixture(format_paths[_i]), &e) == 0, "%s: %s", format_paths[_i], e.msg);
    for (int i = 0; i < N_SEED; i++) {
        size_t len = 0;
        const char *v = secrets_get(s, seed_values[i].key, &len);
        ck_assert_msg(v != NULL, "%s: %s missing", format_paths[_i], seed_values[i].key);
        ck_assert_str_eq(v, seed_values[i].val);
        ck_assert_uint_eq(len, strlen(seed_values[i].val));
    }
    ck_assert_ptr_null(secrets_get(s, "data", NULL));
    ck_assert_str_eq(secrets_origin(s), fixture(format_paths[_i]));
    secrets_free(s);
}
END_TEST

START_TEST(dir_skips_dotfiles_and_subdirs) {
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_int_eq(secrets_load(&s, fixture("secrets-dir"), &e), 0);
    ck_assert_ptr_null(secrets_get(s, ".hidden", NULL));
    ck_assert_ptr_null(secrets_get(s, "..data", NULL));
    ck_assert_ptr_null(secrets_get(s, "..2024_01_01_00_00_00.000000000", NULL));
    secrets_free(s);
}
END_TEST

/* ---- directory edge cases in a temp dir ---- */

static char tmpdir[256];

static void mk_tmpdir(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ri-secrets-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void put(const char *name, const char *data, size_t len) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void rm_tmpdir(void) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static const struct { const char *name, *raw; size_t rawlen; const char *want; size_t wantlen; } nl_cases[] = {
    {"LF", "x\n", 2, "x", 1},
    {"CRLF", "x\r\n", 3, "x", 1},
    {"TWO_LF", "x\n\n", 3, "x\n", 2},
    {"NONE", "x", 1, "x", 1},
    {"CR_ONLY", "x\r", 2, "x\r", 2},
    {"ONLY_LF", "\n", 1, "", 0},
    {"INNER", "a\nb\n", 4, "a\nb", 3},
};

START_TEST(dir_trailing_newline) {
    mk_tmpdir();
    int n = (int)(sizeof nl_cases / sizeof nl_cases[0]);
    for (int i = 0; i < n; i++) put(nl_cases[i].name, nl_cases[i].raw, nl_cases[i].rawlen);
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_load(&s, tmpdir, &e) == 0, "%s", e.msg);
    for (int i = 0; i < n; i++) {
        size_t len = 99;
        const char *v = secrets_get(s, nl_cases[i].name, &len);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(len, nl_cases[i].wantlen);
        ck_assert_mem_eq(v, nl_cases[i].want, len);
    }
    const char *v;
    ck_assert_int_eq(secrets_require(s, "ONLY_LF", &v, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, ": key ONLY_LF: empty"));
    secrets_free(s);
    rm_tmpdir();
}
END_TEST

START_TEST(dir_nul_reported_on_use) {
    mk_tmpdir();
    put("GOOD", "fine\n", 5);
    put("BINARY", "se\0cretvalue", 12);
    char link[512], sub[512];
    snprintf(link, sizeof link, "%s/DANGLING", tmpdir);
    ck_assert_int_eq(symlink("..data/DANGLING", link), 0);  /* key being removed */
    snprintf(sub, sizeof sub, "%s/subdir", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_msg(secrets_load(&s, tmpdir, &e) == 0, "%s", e.msg);
    const char *v;
    ck_assert_int_eq(secrets_require(s, "GOOD", &v, &e), 0);
    ck_assert_str_eq(v, "fine");
    ck_assert_ptr_null(secrets_get(s, "BINARY", NULL));
    ck_assert_int_eq(secrets_require(s, "BINARY", &v, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, "key BINARY: contains a NUL byte"));
    ck_assert_ptr_null(strstr(e.msg, "cretvalue"));
    ck_assert_int_eq(secrets_require(s, "DANGLING", &v, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, "key DANGLING: missing"));
    ck_assert_ptr_null(secrets_get(s, "subdir", NULL));
    secrets_free(s);
    rm_tmpdir();
}
END_TEST

/* ---- tricky passwords: JSON escapes and raw directory files ---- */

static const char *const tricky[] = {
    "with spaces  and  more ",
    "dq\"uote",
    "single'quote",
    "back\\slash\\",
    "#$!()%&/=;",
    "-leading-dash",
    "--",
    "\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x91",
    "tab\there",
    "$(rm -rf /)`id`",
    "%s%n%x",
    "ends with backslash\\",
    "// not a comment /* nor this */,}",
};
#define N_TRICKY (int)(sizeof tricky / sizeof tricky[0])

static void json_escape(const char *in, char *out) {
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '"' || c == '\\') *out++ = '\\', *out++ = (char)c;
        else if (c < 0x20) out += sprintf(out, "\\u%04x", c);
        else *out++ = (char)c;
    }
    *out = '\0';
}

/* Every tricky password came back byte for byte, as P0..P(N_TRICKY-1). */
static void expect_tricky(const struct secrets *s) {
    for (int i = 0; i < N_TRICKY; i++) {
        char key[16];
        size_t len;
        snprintf(key, sizeof key, "P%d", i);
        const char *v = secrets_get(s, key, &len);
        ck_assert_ptr_nonnull(v);
        ck_assert_uint_eq(len, strlen(tricky[i]));
        ck_assert_mem_eq(v, tricky[i], len);
    }
}

START_TEST(tricky_passwords_json) {
    char text[8192], esc[512], *p = text;
    p += sprintf(p, "{\"data\": {\n");
    for (int i = 0; i < N_TRICKY; i++) {
        json_escape(tricky[i], esc);
        p += sprintf(p, "  // password %d\n  \"P%d\": \"%s\",\n", i, i, esc);
    }
    sprintf(p, "}}\n");
    struct secrets *s = parse_ok(text);
    expect_tricky(s);
    secrets_free(s);
}
END_TEST

START_TEST(tricky_passwords_dir) {
    mk_tmpdir();
    for (int i = 0; i < N_TRICKY; i++) {
        char key[16], data[256];
        snprintf(key, sizeof key, "P%d", i);
        int n = snprintf(data, sizeof data, "%s\n", tricky[i]);
        put(key, data, (size_t)n);
    }
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_int_eq(secrets_load(&s, tmpdir, &e), 0);
    expect_tricky(s);
    secrets_free(s);
    rm_tmpdir();
}
END_TEST

/* ---- comments and trailing commas ---- */

static const struct { const char *text, *key, *want; } lenient[] = {
    {"{\"A\": \"x\",}", "A", "x"},
    {"{\"data\": {\"A\": \"x\",\n},\n}", "A", "x"},
    {"// head\n{\"A\": /* inline */ \"x\" // tail\n}", "A", "x"},
    {"{\"A\": \"http://h/*p*/\"}", "A", "http://h/*p*/"},
    {"{\"A\": \"q\\\"//x\"}", "A", "q\"//x"},
    {"{\"A\": \"a,}\" , }", "A", "a,}"},
    {"{/* \xc3\xa9t\xc3\xa9 */\"A\": \"x\"}", "A", "x"},
    {"\xef\xbb\xbf{\"A\": \"x\"}", "A", "x"},  /* a UTF-8 BOM from an editor */
};

START_TEST(comments_and_commas) {
    struct secrets *s = parse_ok(lenient[_i].text);
    const char *v = secrets_get(s, lenient[_i].key, NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, lenient[_i].want);
    secrets_free(s);
}
END_TEST

/* ---- malformed input: exact messages and positions ---- */

static const struct { const char *text, *msg; } malformed[] = {
    {"{\n  \"A\": \"x\"\n  \"B\": \"y\"\n}", "config.json:3:5: malformed JSON: '}' expected near a string"},
    {"// c\n{\"A\": \"x\" /* c */ \"B\"}", "config.json:2:21: malformed JSON: '}' expected near a string"},
    {"{\"A\": \"x\",,}", "config.json:1:11: malformed JSON: string or '}' expected near ','"},
    {"{\"A\": \"x\"", "config.json:1:9: malformed JSON: '}' expected near end of file"},
    {"{,}", "config.json:1:2: malformed JSON: string or '}' expected near ','"},
    {"{\"A\": [\"x\",,]}", "config.json:1:12: malformed JSON: unexpected token near ','"},
    {"{\"A\": \"\\uD800x\"}", "config.json:1:15: malformed JSON: invalid Unicode near a string"},
    {"{\"A\": hunter2}", "config.json:1:12: malformed JSON: invalid token"},
    {"{\"A\" \"hunter2\"}", "config.json:1:14: malformed JSON: ':' expected near a string"},
    {"{\"A\": \"x\"} /* open", "config.json:1:12: malformed JSON: unterminated /* comment"},
    {"{\"A\": \"x\", \"A\": \"y\"}", "config.json:1:14: malformed JSON: duplicate object key near a string"},
    {"", "config.json:1:0: malformed JSON: '[' or '{' expected near end of file"},
    {"[\"x\"]", "config.json: expected a JSON object"},
    {"{\"ADMIN_PASSWORD\": 5}", "config.json: key ADMIN_PASSWORD: must be a string"},
    {"{\"data\": {\"ADMIN_PASSWORD\": null}}", "config.json: key ADMIN_PASSWORD: must be a string"},
    {"{\"X\": \"ab\\u0000cd\"}",
     "config.json: key X: contains a NUL byte, which Redis cannot store in a config value"},
    {"{\"data\": {}, \"kind\": \"Secret\"}",
     "config.json: unexpected top-level key \"kind\" beside \"data\" (plain values expected, not a Kubernetes Secret manifest)"},
    {"{\"bad key\": \"v\"}",
     "config.json: key name \"bad key\" is not valid: use 1..253 letters, digits, '-', '_' or '.'"},
};

START_TEST(malformed_json) {
    ri_err e;
    ck_assert_int_eq(parse_fail(malformed[_i].text, &e), EX_DATAERR);
    ck_assert_str_eq(e.msg, malformed[_i].msg);
}
END_TEST

/* Stripping keeps jansson's positions: each text with comments and trailing
 * commas must fail exactly like the same text with those blanked by hand. */
static const struct { const char *with, *blanked; } same_pos[] = {
    {"{\"A\": \"x\", /* c */ \"B\" 1}", "{\"A\": \"x\",         \"B\" 1}"},
    {"// one\n// two\n{\"A\": \"x\",\n  \"B\": }", "      \n      \n{\"A\": \"x\",\n  \"B\": }"},
    {"{/* multi\nline */ \"A\": [1,], \"B\": x}", "{        \n        \"A\": [1 ], \"B\": x}"},
    {"{/* \xc3\xa9t\xc3\xa9 */ \"A\": x}", "{          \"A\": x}"},
    {"{\"A\": \"\xc3\xa9\", // \xe2\x9c\x93\n \"B\": x}", "{\"A\": \"\xc3\xa9\",     \n \"B\": x}"},
};

START_TEST(positions_preserved) {
    ri_err e1, e2;
    ck_assert_int_eq(parse_fail(same_pos[_i].with, &e1), EX_DATAERR);
    ck_assert_int_eq(parse_fail(same_pos[_i].blanked, &e2), EX_DATAERR);
    ck_assert_str_eq(e1.msg, e2.msg);
}
END_TEST

/* Values never reach a message, whatever the error. */
START_TEST(errors_hide_values) {
    static const char *const texts[] = {
        "{\"P\": \"SeCrEt1\\u0000\"}", "{\"P\": \"SeCrEt1\", \"P\": \"SeCrEt1\"}",
        "{\"P\": \"SeCrEt1\" \"Q\": 1}", "{\"P\": [\"SeCrEt1\"]}", "{\"P\": \"SeCrEt1\n\"}",
        "{\"P\" \"SeCrEt1\"}", "{\"P\": SeCrEt1}", "{\"P\": \"SeCrEt1\\uD800\"}", "{\"P\": \"SeCrEt1\\u12\"}",
        "{\"P\": \"SeCrEt1\\q\"}", "{\"P\": \"SeCrEt1\x01\"}", "{\"P\": \"SeCrEt1\xff\"}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ri_err e;
        ck_assert_int_eq(parse_fail(texts[i], &e), EX_DATAERR);
        ck_assert_msg(strstr(e.msg, "SeCrEt1") == NULL, "value leaked: %s", e.msg);
        ck_assert_ptr_null(strchr(e.msg, '\n'));
    }
}
END_TEST

START_TEST(unreadable_input) {
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_int_eq(secrets_load(&s, "/nonexistent/config.json", &e), EX_NOINPUT);
    ck_assert_str_eq(e.msg, "cannot read secrets /nonexistent/config.json: No such file or directory");
    ck_assert_ptr_null(s);
}
END_TEST

/* ---- require / username / probe ---- */

START_TEST(require_missing_empty) {
    struct secrets *s = parse_ok("{\"E\": \"\", \"V\": \"v\"}");
    const char *v = NULL;
    ri_err e = {0};
    ck_assert_int_eq(secrets_require(s, "V", &v, &e), 0);
    ck_assert_str_eq(v, "v");
    ck_assert_int_eq(secrets_require(s, "REPLICA_PASSWORD", &v, &e), EX_DATAERR);
    ck_assert_str_eq(e.msg, "config.json: key REPLICA_PASSWORD: missing");
    ck_assert_int_eq(secrets_require(s, "E", &v, &e), EX_DATAERR);
    ck_assert_str_eq(e.msg, "config.json: key E: empty");
    secrets_free(s);
}
END_TEST

static const struct { const char *json_val; int ok; } usernames[] = {
    {"admin", 1}, {"a", 1}, {"api_service-1.x@y", 1}, {"~!#$%^&*()", 1},
    {"1234567890123456789012345678901234567890123456789012345678901234", 1},  /* 64 */
    {"12345678901234567890123456789012345678901234567890123456789012345", 0}, /* 65 */
    {"with space", 0}, {"tab\\there", 0}, {"", 0}, {"\\u00fcber", 0}, {"nl\\n", 0}, {"del\\u007f", 0},
};

START_TEST(username_rules) {
    char text[256];
    snprintf(text, sizeof text, "{\"U\": \"%s\"}", usernames[_i].json_val);
    struct secrets *s = parse_ok(text);
    const char *v = NULL;
    ri_err e = {0};
    int rc = secrets_require_username(s, "U", &v, &e);
    ck_assert_msg((rc == 0) == usernames[_i].ok, "%s: rc %d %s", usernames[_i].json_val, rc, e.msg);
    if (rc) {
        ck_assert_int_eq(rc, EX_DATAERR);
        ck_assert_ptr_nonnull(strstr(e.msg, "config.json: key U: "));
    }
    secrets_free(s);
}
END_TEST

START_TEST(probe_derived) {
    struct secrets *s = NULL;
    ri_err e = {0};
    ck_assert_int_eq(secrets_load(&s, fixture("seed000-config.json"), &e), 0);
    char user[64], pass[65];
    ck_assert_msg(secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(user, "redis-init-probe");
    /* python3: hmac.new(b'admin', b'redis-init probe v1', hashlib.sha256).hexdigest() */
    ck_assert_str_eq(pass, "33d2366a1054b5a04554d0cd3903fdadbb7386e88dc21657c9ac349643dd9646");
    secrets_free(s);
}
END_TEST

START_TEST(probe_given_and_errors) {
    char user[64], pass[65];
    ri_err e = {0};
    struct secrets *s = parse_ok("{\"PROBE_USERNAME\": \"probe\", \"PROBE_PASSWORD\": \"pp\"}");
    ck_assert_int_eq(secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e), 0);
    ck_assert_str_eq(user, "probe");
    ck_assert_str_eq(pass, "pp");
    secrets_free(s);

    s = parse_ok("{\"PROBE_USERNAME\": \"probe\"}");  /* no ADMIN_PASSWORD to derive from */
    ck_assert_int_eq(secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, "key ADMIN_PASSWORD: missing"));
    secrets_free(s);

    s = parse_ok("{\"ADMIN_PASSWORD\": \"a\", \"PROBE_PASSWORD\": \"\"}");
    ck_assert_int_eq(secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e), EX_DATAERR);
    ck_assert_str_eq(e.msg, "config.json: key PROBE_PASSWORD: empty");
    secrets_free(s);

    s = parse_ok("{\"ADMIN_PASSWORD\": \"a\", \"PROBE_USERNAME\": \"bad name\"}");
    ck_assert_int_eq(secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e), EX_DATAERR);
    ck_assert_ptr_nonnull(strstr(e.msg, "key PROBE_USERNAME: a user name must be"));
    secrets_free(s);

    s = parse_ok("{\"PROBE_PASSWORD\": \"0123456789\"}");
    ck_assert_int_eq(secrets_probe_credentials(s, user, sizeof user, pass, 8, &e), EX_DATAERR);
    ck_assert_str_eq(e.msg, "config.json: key PROBE_PASSWORD: longer than 7 bytes");
    secrets_free(s);
}
END_TEST

static Suite *make_suite(void) {
    Suite *su = suite_create("secrets");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, formats_same_values, 0, 3);
    tcase_add_test(tc, dir_skips_dotfiles_and_subdirs);
    tcase_add_test(tc, dir_trailing_newline);
    tcase_add_test(tc, dir_nul_reported_on_use);
    tcase_add_test(tc, tricky_passwords_json);
    tcase_add_test(tc, tricky_passwords_dir);
    tcase_add_loop_test(tc, comments_and_commas, 0, (int)(sizeof lenient / sizeof lenient[0]));
    tcase_add_loop_test(tc, malformed_json, 0, (int)(sizeof malformed / sizeof malformed[0]));
    tcase_add_loop_test(tc, positions_preserved, 0, (int)(sizeof same_pos / sizeof same_pos[0]));
    tcase_add_test(tc, errors_hide_values);
    tcase_add_test(tc, unreadable_input);
    tcase_add_test(tc, require_missing_empty);
    tcase_add_loop_test(tc, username_rules, 0, (int)(sizeof usernames / sizeof usernames[0]));
    tcase_add_test(tc, probe_derived);
    tcase_add_test(tc, probe_given_and_errors);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(make_suite)
