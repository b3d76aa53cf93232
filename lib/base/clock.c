/* clock.c: the monotonic clock and sleeping (see clock.h). */
#include "base/clock.h"

#include <errno.h>
#include <time.h>

double mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void sleep_ms(double ms) {
    if (ms <= 0) return;
    long long whole = (long long)ms;
    struct timespec ts = {(time_t)(whole / 1000),
                          (long)(whole % 1000) * 1000000L + (long)((ms - (double)whole) * 1e6)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}
