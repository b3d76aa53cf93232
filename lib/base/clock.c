/* clock.c: the monotonic clock and sleeping (see clock.h). */
#include "base/clock.h"

#include <errno.h>
#include <time.h>

double mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

clockid_t cond_init_monotonic(pthread_cond_t *cv) {
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) return (clockid_t)-1;
    clockid_t clk =
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    int rc = pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
    return rc == 0 ? clk : (clockid_t)-1;
}

struct timespec clock_after_ms(clockid_t clk, double ms) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    long long ns = (long long)(ms * 1e6);
    ts.tv_sec += (time_t)(ns / 1000000000LL);
    ts.tv_nsec += (long)(ns % 1000000000LL);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void sleep_ms(double ms) {
    if (ms <= 0) return;
    long long whole = (long long)ms;
    struct timespec ts = {(time_t)(whole / 1000),
                          (long)(whole % 1000) * 1000000L + (long)((ms - (double)whole) * 1e6)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}
