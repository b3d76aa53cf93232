/* test_cfgquote.c: HAProxy and sh quoting, every byte. */
#include "checkmain.h"
#include "base/cfgquote.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct { const char *in, *want; } hq_cases[] = {
    {"", "\"\""},
    {"plain", "\"plain\""},
    {"a b", "\"a b\""},                  /* space: literal inside double quotes */
    {"p#ss", "\"p#ss\""},                /* # is no comment inside quotes */
    {"it's", "\"it's\""},
    {"say \"hi\"", "\"say \\\"hi\\\"\""},
    {"back\\slash", "\"back\\\\slash\""},
    {"$HOME", "\"\\$HOME\""},            /* no environment expansion */
    {"%s%n", "\"%s%n\""},
    {"a\tb\r\n", "\"a\\x09b\\x0d\\x0a\""},
    {"caf\xc3\xa9", "\"caf\\xc3\\xa9\""},
    {"\x7f", "\"\\x7f\""},
    {"/etc/redis-init/router-check", "\"/etc/redis-init/router-check\""},
};

START_TEST(haproxy_quote_table) {
    char out[128];
    int n = haproxy_quote(hq_cases[_i].in, strlen(hq_cases[_i].in), out, sizeof out);
    ck_assert_int_eq(n, (int)strlen(hq_cases[_i].want));
    ck_assert_str_eq(out, hq_cases[_i].want);
}
END_TEST

/* Every byte but NUL, alone and between others, reads back as itself. */
START_TEST(haproxy_every_byte_round_trips) {
    char in[4] = {'a', (char)_i, 'b', '\0'}, q[32], back[8];
    for (int shape = 0; shape < 2; shape++) {
        const char *s = shape ? in : in + 1;
        size_t len = shape ? 3 : 1;
        int n = haproxy_quote(s, len, q, sizeof q);
        ck_assert_msg(n > 0, "byte 0x%02x not quoted", _i);
        for (int k = 0; k < n; k++) ck_assert(q[k] >= 0x20 && q[k] <= 0x7e);
        ck_assert_int_eq(haproxy_unquote(q, back, sizeof back), (int)len);
        ck_assert_msg(memcmp(back, s, len) == 0, "byte 0x%02x: %s", _i, q);
    }
}
END_TEST

START_TEST(haproxy_refuses_nul_and_short_buffers) {
    char out[16];
    ck_assert_int_eq(haproxy_quote("a\0b", 3, out, sizeof out), -1);
    ck_assert_int_eq(haproxy_quote("abc", 3, out, 4), -1);   /* needs 6 */
    ck_assert_int_eq(haproxy_quote("abc", 3, out, 6), 5);
    ck_assert_int_eq(haproxy_quote("\x01", 1, out, 6), -1);  /* needs 7 */
    ck_assert_int_eq(haproxy_quote("", 0, out, 2), -1);
}
END_TEST

/* The reader follows the manual's matrix (2.2): what HAProxy would not
 * take as exactly one word is refused. */
static const struct { const char *word, *want; } unq_cases[] = {
    {"plain", "plain"},   {"\"a b\"", "a b"},    {"'a b'", "a b"},     {"a\\ b", "a b"},
    {"'\\'", "\\"},       {"'$x'", "$x"},         {"$x", "$x"},         {"\\#", "#"},
    {"\"'\"", "'"},       {"'\"'", "\""},         {"a\"b c\"d", "ab cd"}, {"\\x41", "A"},
    {"a b", NULL},        {"a#b", NULL},          {"\"a", NULL},         {"'a", NULL},
    {"\"$x\"", NULL},     {"\\x4", NULL},         {"\\x00", NULL},       {"a\\", NULL},
};

START_TEST(haproxy_unquote_table) {
    char out[32];
    int n = haproxy_unquote(unq_cases[_i].word, out, sizeof out);
    if (!unq_cases[_i].want) {
        ck_assert_msg(n == -1, "'%s' read as one word", unq_cases[_i].word);
    } else {
        ck_assert_int_eq(n, (int)strlen(unq_cases[_i].want));
        ck_assert_str_eq(out, unq_cases[_i].want);
    }
}
END_TEST

static const struct { const char *in, *want; } sh_cases[] = {
    {"", "''"},
    {"/usr/local/bin/redis-init", "'/usr/local/bin/redis-init'"},
    {"it's", "'it'\\''s'"},
    {"$(id) `x` \"q\" \\ ; & |", "'$(id) `x` \"q\" \\ ; & |'"},
    {"''", "''\\'''\\'''"},
};

START_TEST(sh_quote_table) {
    char out[128];
    int n = sh_quote(sh_cases[_i].in, strlen(sh_cases[_i].in), out, sizeof out);
    ck_assert_int_eq(n, (int)strlen(sh_cases[_i].want));
    ck_assert_str_eq(out, sh_cases[_i].want);
}
END_TEST

START_TEST(sh_quote_limits) {
    char out[16];
    ck_assert_int_eq(sh_quote("a\0b", 3, out, sizeof out), -1);
    ck_assert_int_eq(sh_quote("abc", 3, out, 14), -1);
    ck_assert_int_eq(sh_quote("abc", 3, out, 15), 5);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("cfgquote");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, haproxy_quote_table, 0, NELEM(hq_cases));
    tcase_add_loop_test(tc, haproxy_every_byte_round_trips, 1, 256);
    tcase_add_test(tc, haproxy_refuses_nul_and_short_buffers);
    tcase_add_loop_test(tc, haproxy_unquote_table, 0, NELEM(unq_cases));
    tcase_add_loop_test(tc, sh_quote_table, 0, NELEM(sh_cases));
    tcase_add_test(tc, sh_quote_limits);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
