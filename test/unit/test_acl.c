/* test_acl.c: password hashes and the rules check for extra ACL users. */
#include "checkmain.h"
#include "config/acl.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Expected values from `printf %s PASS | sha256sum`. */
static const struct { const char *pass; size_t len; const char *hash; } hash_cases[] = {
    {"foobared", 8, "#1b58ee375b42e41f0e48ef2ff27d10a5b1f6924a9acdcdba7cae868e7adce6bf"},
    {"password", 8, "#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
    {"", 0, "#e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"pa ss\"w\\rd", 10, "#b67b34b5b6e8922f84923a37be4940fbaefe949cde460c5ea3032d4fd2f8aed9"},
    {"\xe6\x97\xa5\xe6\x9c\xac\xc3\xa9", 8,
     "#cbe701d6aee88f362c98594ee94d875b776574a44b39a9605aeaea056a49fbcb"},
    /* a NUL inside is hashed like any byte (sha256 of "a\0b") */
    {"a\0b", 3, "#59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"},
};

START_TEST(test_hash) {
    char out[66];
    memset(out, 'X', sizeof out);
    acl_hash(hash_cases[_i].pass, hash_cases[_i].len, out);
    ck_assert_str_eq(out, hash_cases[_i].hash);
    ck_assert_uint_eq(strlen(out), 65);
}
END_TEST

static const char *const ok_rules[] = {
    "",
    "   ",
    "~* &* +@all",
    "~app:* +@read +@write -@dangerous",
    "resetchannels &news:* -@all +subscribe",
    "resetkeys %R~cache:* +get",
    "+client|setname +config|get",
    "allkeys allchannels allcommands",
    "nocommands",
    "~on ~off",        /* key patterns that only look like keywords */
    "+@all -debug",
    "-@all +ping",
    "(~x:* +get)",     /* selectors */
    "clearselectors",
    ACL_RULES_ADMIN,
    ACL_RULES_REPLICA,
    ACL_RULES_SENTINEL,
    ACL_RULES_SERVICE,
    ACL_RULES_PROBE,
    ACL_RULES_SENTINEL_PEER,
    ACL_RULES_SENTINEL_CLIENT,
};

START_TEST(test_rules_ok) {
    ri_err e = {0};
    int rc = acl_check_rules("app", ok_rules[_i], &e);
    ck_assert_msg(rc == 0, "'%s': %s", ok_rules[_i], e.msg);
    ck_assert_int_eq(e.code, 0);
}
END_TEST

static const struct { const char *rules, *msg; } bad_rules[] = {
    {">secret ~*", "user app: rule '>...' adds a password; passwords come from the secrets"},
    {"~* <secret", "user app: rule '<...' removes a password; passwords come from the secrets"},
    {"#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
     "user app: rule '#...' adds a password hash; passwords come from the secrets"},
    {"+@all !abc", "user app: rule '!...' removes a password hash; passwords come from the secrets"},
    {"nopass +@all",
     "user app: rule 'nopass' resets passwords or switches the user on/off, which redis-init owns"},
    {"~* NoPass", "user app: rule 'NoPass' resets passwords or switches the user on/off, "
                  "which redis-init owns"},
    {"resetpass", "user app: rule 'resetpass' resets passwords or switches the user on/off, "
                  "which redis-init owns"},
    {"~* reset", "user app: rule 'reset' resets passwords or switches the user on/off, "
                 "which redis-init owns"},
    {"on", "user app: rule 'on' resets passwords or switches the user on/off, which redis-init owns"},
    {"+get  OFF  ", "user app: rule 'OFF' resets passwords or switches the user on/off, "
                    "which redis-init owns"},
    {"+get\n+set", "user app: rules must be printable ASCII on one line (byte 0x0a at offset 4)"},
    {"+get\t+set", "user app: rules must be printable ASCII on one line (byte 0x09 at offset 4)"},
    {"~caf\xc3\xa9", "user app: rules must be printable ASCII on one line (byte 0xc3 at offset 4)"},
    {"+get\x7f", "user app: rules must be printable ASCII on one line (byte 0x7f at offset 4)"},
};

START_TEST(test_rules_bad) {
    ri_err e = {0};
    ck_assert_int_eq(acl_check_rules("app", bad_rules[_i].rules, &e), EX_CONFIG);
    ck_assert_int_eq(e.code, EX_CONFIG);
    ck_assert_str_eq(e.msg, bad_rules[_i].msg);
}
END_TEST

/* The error names the user but never echoes a password-bearing token. */
START_TEST(test_rules_no_secret_in_message) {
    ri_err e = {0};
    ck_assert_int_eq(acl_check_rules("reporting", "~* >Sup3rS3cret", &e), EX_CONFIG);
    ck_assert_ptr_nonnull(strstr(e.msg, "reporting"));
    ck_assert_ptr_null(strstr(e.msg, "Sup3rS3cret"));
    ck_assert_int_eq(acl_check_rules("u", NULL, &e), EX_CONFIG);
    ck_assert_int_eq(acl_check_rules("u", "x", NULL), 0);
    ck_assert_int_eq(acl_check_rules("u", "on", NULL), EX_CONFIG);
}
END_TEST

/* The sentinel client user: what mainstream clients send is granted, and
 * nothing that changes Sentinel state or reaches beyond it. Whole tokens. */
static int has_token(const char *rules, const char *tok) {
    size_t n = strlen(tok);
    for (const char *p = rules; (p = strstr(p, tok)) != NULL; p += n)
        if ((p == rules || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
    return 0;
}

static const struct { const char *tok; int want; } client_tokens[] = {
    {"resetchannels", 1}, {"-@all", 1}, {"&*", 1},
    {"+ping", 1}, {"+auth", 1}, {"+hello", 1}, {"+client|setname", 1},
    {"+subscribe", 1}, {"+psubscribe", 1}, {"+unsubscribe", 1}, {"+punsubscribe", 1},
    {"+sentinel|get-master-addr-by-name", 1}, {"+sentinel|masters", 1}, {"+sentinel|master", 1},
    {"+sentinel|replicas", 1}, {"+sentinel|slaves", 1}, {"+sentinel|sentinels", 1},
    {"+sentinel", 0}, {"+@all", 0}, {"+client", 0}, {"+client|kill", 0}, {"+client|setinfo", 0},
    {"+publish", 0}, {"+acl", 0}, {"+shutdown", 0}, {"+config", 0}, {"+info", 0},
    {"+sentinel|failover", 0}, {"+sentinel|set", 0}, {"+sentinel|monitor", 0},
    {"+sentinel|remove", 0}, {"+sentinel|reset", 0}, {"+sentinel|config", 0},
    {"+sentinel|debug", 0}, {"+sentinel|flushconfig", 0}, {"+sentinel|simulate-failure", 0},
    {"+sentinel|is-master-down-by-addr", 0}, {"+sentinel|ckquorum", 0},
};

START_TEST(test_sentinel_client_rules) {
    ck_assert_msg(has_token(ACL_RULES_SENTINEL_CLIENT, client_tokens[_i].tok) == client_tokens[_i].want,
                  "'%s' should %sbe in the sentinel client rules", client_tokens[_i].tok,
                  client_tokens[_i].want ? "" : "not ");
}
END_TEST

/* Webdis's Redis user: the base, then +cmd for each HTTP-allowed command,
 * lower case, whole tokens; nothing beyond the list. */
START_TEST(test_webdis_rules) {
    char r[512], small[16];
    ck_assert_int_eq(acl_webdis_rules(r, sizeof r), 0);
    ck_assert_ptr_eq(strstr(r, ACL_RULES_WEBDIS_BASE), r);
    static const char *const in[] = {"+get", "+set", "+hgetall", "+xadd", "+ping", "+type"};
    static const char *const out[] = {"+flushall", "+config", "+keys", "+eval", "+subscribe", "+@all", "+GET"};
    for (int i = 0; i < NELEM(in); i++) ck_assert_msg(has_token(r, in[i]), "%s missing: %s", in[i], r);
    for (int i = 0; i < NELEM(out); i++) ck_assert_msg(!has_token(r, out[i]), "%s present: %s", out[i], r);
    int plus = 0, words = 1;
    for (const char *p = r; *p; p++) plus += *p == '+';
    for (const char *p = WEBDIS_COMMANDS; *p; p++) words += *p == ' ';
    ck_assert_int_eq(plus, words);
    ck_assert_int_eq(acl_check_rules("webdis", r, NULL), 0);
    ck_assert_int_eq(acl_webdis_rules(small, sizeof small), -1);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("acl");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_hash, 0, NELEM(hash_cases));
    tcase_add_loop_test(tc, test_rules_ok, 0, NELEM(ok_rules));
    tcase_add_loop_test(tc, test_rules_bad, 0, NELEM(bad_rules));
    tcase_add_test(tc, test_rules_no_secret_in_message);
    tcase_add_loop_test(tc, test_sentinel_client_rules, 0, NELEM(client_tokens));
    tcase_add_test(tc, test_webdis_rules);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
