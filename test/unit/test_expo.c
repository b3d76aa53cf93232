/* test_expo.c: the text exposition writer, a row per shape of sample. */
#include "checkmain.h"
#include "base/expo.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *name;
    const char *labels[7];
    double value;
    const char *want;
} samples[] = {
    {"up", {NULL}, 1, "up 1\n"},
    {"zero", {NULL}, 0, "zero 0\n"},
    {"negative", {NULL}, -3, "negative -3\n"},
    {"fraction", {NULL}, 0.25, "fraction 0.25\n"},
    {"big", {NULL}, 1e20, "big 1e+20\n"},
    {"whole_2_53", {NULL}, 9007199254740991.0, "whole_2_53 9007199254740991\n"},
    {"nan", {NULL}, 0.0 / 0.0, "nan NaN\n"},
    {"inf", {NULL}, 1.0 / 0.0, "inf +Inf\n"},
    {"ninf", {NULL}, -1.0 / 0.0, "ninf -Inf\n"},
    {"one_label", {"rule", "B5", NULL}, 1, "one_label{rule=\"B5\"} 1\n"},
    {"two_labels", {"rule", "S2", "role", "replica", NULL}, 1,
     "two_labels{rule=\"S2\",role=\"replica\"} 1\n"},
    {"escaped", {"v", "a\\b\"c\nd", NULL}, 2, "escaped{v=\"a\\\\b\\\"c\\nd\"} 2\n"},
    {"empty_value", {"v", "", NULL}, 1, "empty_value{v=\"\"} 1\n"},
    {"odd_list", {"k", NULL}, 1, "odd_list 1\n"},
};

START_TEST(test_sample) {
    struct buf b;
    buf_init(&b);
    ck_assert_int_eq(expo_sample(&b, samples[_i].name,
                                 samples[_i].labels[0] ? samples[_i].labels : NULL,
                                 samples[_i].value),
                     0);
    ck_assert_str_eq(b.data, samples[_i].want);
    buf_free(&b);
}
END_TEST

START_TEST(test_family) {
    struct buf b;
    buf_init(&b);
    ck_assert_int_eq(expo_family(&b, "redis_init_role_changes_total", "counter", "Role changes."), 0);
    ck_assert_int_eq(expo_sample(&b, "redis_init_role_changes_total", NULL, 3), 0);
    ck_assert_str_eq(b.data, "# HELP redis_init_role_changes_total Role changes.\n"
                             "# TYPE redis_init_role_changes_total counter\n"
                             "redis_init_role_changes_total 3\n");
    buf_free(&b);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("expo");
    TCase *tc = tcase_create("expo");
    tcase_add_loop_test(tc, test_sample, 0, NELEM(samples));
    tcase_add_test(tc, test_family);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
