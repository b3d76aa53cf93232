/* handovers.h: how the handovers of this pod's server ended, kept on its
 * data volume (HANDOVERS_FILE) because the process that hands over ends
 * right after: the next agent's metrics show them as counters
 * (redis_init_handovers_total{result}) that survive the pod.
 *
 * Results: handed_over (this master's role went to a replica, rule H15),
 * nothing (nothing to hand over: a replica, not the sentinels' master),
 * failed (the role was not handed over; the server stopped anyway).
 * The file is four lines, rewritten atomically after each handover:
 *   handed_over 12
 *   nothing 30
 *   failed 1
 *   last failed H16 1764990000
 * (last: result, rule, unix time). A missing or unreadable file counts
 * from zero; unknown lines are ignored. */
#ifndef RI_HANDOVERS_H
#define RI_HANDOVERS_H

#include <stddef.h>

#define HANDOVERS_FILE "redis-init.handovers"

enum handover_result { HANDED_OVER = 0, HANDOVER_NOTHING, HANDOVER_FAILED, HANDOVER__COUNT };
/* "handed_over", "nothing", "failed". */
const char *handover_result_name(enum handover_result r);

struct handover_counts {
    long long n[HANDOVER__COUNT];
    char last_result[16]; /* a result's name, "" if none */
    char last_rule[8];
    long long last_at; /* unix seconds, 0 if none */
};

/* ---- pure ---- */
void handovers_parse(const char *text, struct handover_counts *c);
/* The file's text into buf; its length, as snprintf. */
int handovers_format(const struct handover_counts *c, char *buf, size_t len);
/* One more handover, ended with r by rule, at unix time now. */
void handovers_count(struct handover_counts *c, enum handover_result r, const char *rule,
                     long long now);

/* ---- I/O ---- */
/* Read data_dir's file (zeros when there is none). */
void handovers_read(const char *data_dir, struct handover_counts *c);
/* Count one handover in data_dir's file; 0, 1 when there is no data dir
 * (a run outside the pod: nothing to count), or -1 (the caller logs). */
int handovers_note(const char *data_dir, enum handover_result r, const char *rule, long long now);

#endif
