/* test_clock.c: the one monotonic clock and sleep every deadline uses.
 * Only lower bounds are asserted: a loaded machine may sleep longer. */
#include <check.h>

#include "checkmain.h"
#include "base/clock.h"

static const double naps[] = {0, -5, 1, 2.5, 30, 1000.4};

START_TEST(sleep_lasts_at_least_its_time) {
    double want = naps[_i] > 0 ? naps[_i] : 0;
    double t0 = mono_ms();
    sleep_ms(naps[_i]);
    double took = mono_ms() - t0;
    ck_assert_msg(took >= want - 0.05, "sleep_ms(%.1f) took %.3f ms", naps[_i], took);
}
END_TEST

START_TEST(clock_never_goes_back) {
    double last = mono_ms();
    for (int i = 0; i < 100000; i++) {
        double now = mono_ms();
        ck_assert(now >= last);
        last = now;
    }
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, sleep_lasts_at_least_its_time, 0, (int)(sizeof naps / sizeof naps[0]));
    tcase_add_test(tc, clock_never_goes_back);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
