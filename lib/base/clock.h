/* clock.h: monotonic time in milliseconds, and sleeping. One place, so every
 * deadline in the project is measured on the same clock (never the wall
 * clock: NTP may step it at boot, exactly when we run). */
#ifndef RI_CLOCK_H
#define RI_CLOCK_H

#include <pthread.h>
#include <time.h>

/* CLOCK_MONOTONIC in ms. */
double mono_ms(void);

/* Sleep ms (<= 0: return at once), resuming after signals. */
void sleep_ms(double ms);

/* A condition variable whose timed waits use CLOCK_MONOTONIC (immune to
 * clock steps; glibc and musl both support it), else the realtime clock.
 * Returns the clock its waits use, or (clockid_t)-1 if it cannot be made. */
clockid_t cond_init_monotonic(pthread_cond_t *cv);

/* The absolute time ms from now on clk, for pthread_cond_timedwait. */
struct timespec clock_after_ms(clockid_t clk, double ms);

#endif
