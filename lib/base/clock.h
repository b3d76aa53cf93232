/* clock.h: monotonic time in milliseconds, and sleeping. One place, so every
 * deadline in the project is measured on the same clock (never the wall
 * clock: NTP may step it at boot, exactly when we run). */
#ifndef RI_CLOCK_H
#define RI_CLOCK_H

/* CLOCK_MONOTONIC in ms. */
double mono_ms(void);

/* Sleep ms (<= 0: return at once), resuming after signals. */
void sleep_ms(double ms);

#endif
