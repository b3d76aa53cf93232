/* test_handovers.c: the handover counts file, parsed, counted and written
 * back, a row per shape of file. */
#include "checkmain.h"
#include "model/handovers.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *name, *text;
    long long handed, nothing, failed, last_at;
    const char *last_result, *last_rule;
} files[] = {
    {"none", NULL, 0, 0, 0, 0, "", ""},
    {"empty", "", 0, 0, 0, 0, "", ""},
    {"all", "handed_over 12\nnothing 30\nfailed 1\nlast failed H16 1764990000\n", 12, 30, 1,
     1764990000, "failed", "H16"},
    {"no last line", "handed_over 2\nnothing 0\nfailed 0\n", 2, 0, 0, 0, "", ""},
    {"order free, no final newline", "failed 3\nhanded_over 1", 1, 0, 3, 0, "", ""},
    {"garbage counts are zero", "handed_over x\nnothing -4\nfailed 5x\n", 0, 0, 0, 0, "", ""},
    {"unknown lines ignored", "done 9\nhanded_over 1\n# comment\n\nfailed 2\n", 1, 0, 2, 0, "", ""},
    {"a bad last line is ignored", "nothing 1\nlast maybe H1 5\nlast failed H1 0\n", 0, 1, 0, 0, "",
     ""},
    {"a very long line is skipped",
     "handed_over 1\nnothing 22222222222222222222222222222222222222222222222222222222222222222222222"
     "2222222222222222222222222222222222222222222222222222222222222222222222222222\nfailed 1\n",
     1, 0, 1, 0, "", ""},
};

START_TEST(test_parse) {
    struct handover_counts c;
    memset(&c, 0x5a, sizeof c);
    handovers_parse(files[_i].text, &c);
    ck_assert_msg(c.n[HANDED_OVER] == files[_i].handed && c.n[HANDOVER_NOTHING] == files[_i].nothing &&
                      c.n[HANDOVER_FAILED] == files[_i].failed,
                  "%s: %lld %lld %lld", files[_i].name, c.n[0], c.n[1], c.n[2]);
    ck_assert_int_eq(c.last_at, files[_i].last_at);
    ck_assert_str_eq(c.last_result, files[_i].last_result);
    ck_assert_str_eq(c.last_rule, files[_i].last_rule);
}
END_TEST

START_TEST(test_count_round_trip) {
    struct handover_counts c, back;
    char text[256];
    handovers_parse("handed_over 1\nnothing 2\nfailed 3\n", &c);
    handovers_count(&c, HANDOVER_FAILED, "H16", 1700000000);
    handovers_count(&c, HANDED_OVER, "H15", 1700000100);
    handovers_count(&c, HANDOVER_NOTHING, NULL, 1700000200);
    int n = handovers_format(&c, text, sizeof text);
    ck_assert_int_eq(n, (int)strlen(text));
    ck_assert_str_eq(text, "handed_over 2\nnothing 3\nfailed 4\nlast nothing - 1700000200\n");
    handovers_parse(text, &back);
    ck_assert_mem_eq(back.n, c.n, sizeof c.n);
    ck_assert_str_eq(back.last_rule, "-");
    ck_assert_int_eq(back.last_at, 1700000200);
}
END_TEST

START_TEST(test_names) {
    ck_assert_str_eq(handover_result_name(HANDED_OVER), "handed_over");
    ck_assert_str_eq(handover_result_name(HANDOVER_NOTHING), "nothing");
    ck_assert_str_eq(handover_result_name(HANDOVER_FAILED), "failed");
    ck_assert_str_eq(handover_result_name(HANDOVER__COUNT), "unknown");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("handovers");
    TCase *tc = tcase_create("handovers");
    tcase_add_loop_test(tc, test_parse, 0, NELEM(files));
    tcase_add_test(tc, test_count_round_trip);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
