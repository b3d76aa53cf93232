/* test_quote.c: conf_quote output, conf_split against sdssplitargs behaviour,
 * and the round trip of awkward passwords. */
#include "checkmain.h"
#include "base/quote.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Quote then split; the split must give back exactly one argument equal to
 * the input bytes. */
static void assert_round_trip(const char *in, size_t len) {
    char q[4 * 300 + 3], *args[4];
    size_t lens[4];
    ck_assert_uint_le(len, 300);
    int qn = conf_quote(in, len, q, sizeof q);
    ck_assert_int_ge(qn, 2);
    ck_assert_uint_eq(strlen(q), (size_t)qn);
    for (int i = 0; i < qn; i++)  /* the file stays printable ASCII */
        ck_assert(q[i] >= 0x20 && q[i] <= 0x7e);
    int n = conf_split(q, args, lens, 4);
    ck_assert_int_eq(n, 1);
    ck_assert_uint_eq(lens[0], len);
    ck_assert_mem_eq(args[0], in, len);
    conf_free_args(args, n);

    /* Also as the value of a real directive line. */
    char line[sizeof q + 32];
    memcpy(line, "requirepass ", 12);
    memcpy(line + 12, q, (size_t)qn + 1);
    n = conf_split(line, args, lens, 4);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(args[0], "requirepass");
    ck_assert_uint_eq(lens[1], len);
    ck_assert_mem_eq(args[1], in, len);
    conf_free_args(args, n);
}

/* ---------------------------------------------------------------------------
 * conf_quote
 * ------------------------------------------------------------------------- */

static const struct { const char *in, *out; } quote_cases[] = {
    {"", "\"\""},
    {"foobared", "\"foobared\""},
    {"a b", "\"a b\""},
    {"a\"b\\c", "\"a\\\"b\\\\c\""},
    {"it's", "\"it's\""},
    {"\xc3\xa9", "\"\\xc3\\xa9\""},
    {"\t\n\r\x7f", "\"\\x09\\x0a\\x0d\\x7f\""},
    {"#$!()%&/=;", "\"#$!()%&/=;\""},
};

START_TEST(test_quote_exact) {
    char out[128];
    int n = conf_quote(quote_cases[_i].in, strlen(quote_cases[_i].in), out, sizeof out);
    ck_assert_str_eq(out, quote_cases[_i].out);
    ck_assert_int_eq(n, (int)strlen(quote_cases[_i].out));
}
END_TEST

START_TEST(test_quote_rejects_nul) {
    char out[64];
    ck_assert_int_eq(conf_quote("ab\0cd", 5, out, sizeof out), -1);
    ck_assert_int_eq(conf_quote("\0", 1, out, sizeof out), -1);
}
END_TEST

/* 4*len+3 always fits; anything shorter than the real need fails cleanly. */
START_TEST(test_quote_buffer_size) {
    char out[64];
    const char *in = "\x01\x02\x03";
    ck_assert_int_eq(conf_quote(in, 3, out, 4 * 3 + 3), 14);
    ck_assert_int_eq(conf_quote(in, 3, out, 4 * 3 + 2), -1);
    ck_assert_int_eq(conf_quote("abc", 3, out, 6), 5);
    ck_assert_int_eq(conf_quote("abc", 3, out, 5), -1);
    ck_assert_int_eq(conf_quote("", 0, out, 3), 2);
    ck_assert_int_eq(conf_quote("", 0, out, 2), -1);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Round trips
 * ------------------------------------------------------------------------- */

static const char *const passwords[] = {
    "simple",
    "with space",
    "  leading and trailing  ",
    "double\"quote",
    "single'quote",
    "both\"'quotes'\"",
    "back\\slash\\",
    "\\x41 not an escape",
    "\\\"",
    "#$!()%&/=;",
    "-leading-dash",
    "--",
    "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac",
    "\xf0\x9f\x94\x91 key",
    "tab\there",
    "new\nline",
    "cr\rlf\n",
    "\x7f\x80\xff",
    "\"",
    "'",
    "\\",
    "",
    "a\"b",
    "{{not_a_tag}}",
};

START_TEST(test_round_trip_table) {
    assert_round_trip(passwords[_i], strlen(passwords[_i]));
}
END_TEST

START_TEST(test_round_trip_every_byte) {
    for (int b = 1; b <= 255; b++) {
        char s[3] = {'x', (char)b, 'y'};
        assert_round_trip(s + 1, 1);
        assert_round_trip(s, 3);
    }
}
END_TEST

START_TEST(test_round_trip_all_bytes_at_once) {
    char s[255];
    for (int b = 1; b <= 255; b++) s[b - 1] = (char)b;
    assert_round_trip(s, sizeof s);
}
END_TEST

/* ---------------------------------------------------------------------------
 * conf_split: sdssplitargs behaviour
 * ------------------------------------------------------------------------- */

struct split_case {
    const char *line;
    int n;                 /* expected count, -1 for error */
    const char *args[4];
    size_t lens[4];        /* 0 means strlen(args[i]) */
};

static const struct split_case split_cases[] = {
    {"", 0, {NULL}, {0}},
    {"   \t  ", 0, {NULL}, {0}},
    {"set a b", 3, {"set", "a", "b"}, {0}},
    {"  lead\t\ttrail  ", 2, {"lead", "trail"}, {0}},
    {"\"a b\" c", 2, {"a b", "c"}, {0}},
    {"\"\"", 1, {""}, {0}},
    {"''", 1, {""}, {0}},
    {"\"\\x41\\x4a\\x6b\"", 1, {"AJk"}, {0}},
    {"\"\\x4\"", 1, {"x4"}, {0}},          /* not two hex digits: \x -> x */
    {"\"\\xZZ\"", 1, {"xZZ"}, {0}},
    {"\"\\x00z\"", 1, {"\0z"}, {2}},
    {"\"\\n\\r\\t\\b\\a\"", 1, {"\n\r\t\b\a"}, {0}},
    {"\"\\q\\\\\\\"\"", 1, {"q\\\""}, {0}},
    {"'it\\'s'", 1, {"it's"}, {0}},
    {"'a\\nb'", 1, {"a\\nb"}, {0}},
    {"'a\"b'", 1, {"a\"b"}, {0}},
    {"\"a'b\"", 1, {"a'b"}, {0}},
    {"a\"b c\"", 1, {"ab c"}, {0}},        /* a quote inside a bare word opens quotes */
    {"a'b c'", 1, {"ab c"}, {0}},
    {"x\vy", 1, {"x\vy"}, {0}},            /* \v skipped between words, kept inside */
    {"\v\fx", 1, {"x"}, {0}},
    {"\"a\"\t\"b\"", 2, {"a", "b"}, {0}},
    {"\"a\"b", -1, {NULL}, {0}},
    {"'a'b", -1, {NULL}, {0}},
    {"\"a\"\"b\"", -1, {NULL}, {0}},
    {"\"abc", -1, {NULL}, {0}},
    {"'abc", -1, {NULL}, {0}},
    {"ok \"abc", -1, {NULL}, {0}},
    {"\"a\\\"", -1, {NULL}, {0}},          /* escaped quote is not a close */
    {"\"a\\", -1, {NULL}, {0}},
    {"'it\\'", -1, {NULL}, {0}},
    {"a b c d e", -1, {NULL}, {0}},        /* more than max (4) */
    {"a b c d", 4, {"a", "b", "c", "d"}, {0}},
};

START_TEST(test_split_cases) {
    const struct split_case *t = &split_cases[_i];
    char *args[4] = {NULL};
    size_t lens[4];
    int n = conf_split(t->line, args, lens, 4);
    ck_assert_msg(n == t->n, "line %d: got %d args, want %d", _i, n, t->n);
    for (int i = 0; i < n; i++) {
        size_t want = t->lens[i] ? t->lens[i] : strlen(t->args[i]);
        ck_assert_uint_eq(lens[i], want);
        ck_assert_mem_eq(args[i], t->args[i], want);
        ck_assert_int_eq(args[i][lens[i]], '\0');
    }
    conf_free_args(args, n > 0 ? n : 0);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_quote_exact, 0, NELEM(quote_cases));
    tcase_add_test(tc, test_quote_rejects_nul);
    tcase_add_test(tc, test_quote_buffer_size);
    tcase_add_loop_test(tc, test_round_trip_table, 0, NELEM(passwords));
    tcase_add_test(tc, test_round_trip_every_byte);
    tcase_add_test(tc, test_round_trip_all_bytes_at_once);
    tcase_add_loop_test(tc, test_split_cases, 0, NELEM(split_cases));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
