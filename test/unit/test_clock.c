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

/* clock_after_ms: an absolute time that far ahead, tv_nsec normalised. */
static const double aheads[] = {0, 0.1, 999.9999, 1000, 1500.5, 60000};

START_TEST(after_ms_is_that_far_ahead) {
    struct timespec now, at = clock_after_ms(CLOCK_MONOTONIC, aheads[_i]);
    clock_gettime(CLOCK_MONOTONIC, &now);
    ck_assert(at.tv_nsec >= 0 && at.tv_nsec < 1000000000L);
    double ahead = (double)(at.tv_sec - now.tv_sec) * 1e3 + (double)(at.tv_nsec - now.tv_nsec) / 1e6;
    ck_assert_msg(ahead <= aheads[_i] + 0.001 && ahead > aheads[_i] - 50,
                  "clock_after_ms(%.4f) is %.4f ms ahead", aheads[_i], ahead);
}
END_TEST

START_TEST(cond_waits_on_the_monotonic_clock) {
    pthread_cond_t cv;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    ck_assert_int_eq(cond_init_monotonic(&cv), CLOCK_MONOTONIC);
    struct timespec at = clock_after_ms(CLOCK_MONOTONIC, 20);
    double t0 = mono_ms();
    pthread_mutex_lock(&mu);
    while (pthread_cond_timedwait(&cv, &mu, &at) == 0) {}
    pthread_mutex_unlock(&mu);
    ck_assert_msg(mono_ms() - t0 >= 19.9, "a 20 ms wait took %.3f ms", mono_ms() - t0);
    pthread_cond_destroy(&cv);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, sleep_lasts_at_least_its_time, 0, (int)(sizeof naps / sizeof naps[0]));
    tcase_add_test(tc, clock_never_goes_back);
    tcase_add_loop_test(tc, after_ms_is_that_far_ahead, 0, (int)(sizeof aheads / sizeof aheads[0]));
    tcase_add_test(tc, cond_waits_on_the_monotonic_clock);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
