/* record.c: the one writer of the history record (see record.h). */
#include "engine/record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/log.h"
#include "model/history.h"

static double wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* offset_due: the offset is written whatever the record's age (check,
 * prestop); announce: a new line is logged (the agent; a check answers
 * with one line, its verdict). */
static enum recording_verdict keep(const char *data_dir, const struct redis_obs *me, int offset_due,
                                   int announce) {
    struct history old, next;
    char why[160];
    ri_err e = {0};
    /* The agent comes every 100 ms, prestop rounds every 50: one line when
     * writing starts to fail, one when it works again. */
    static _Thread_local int failing;
    if (!recording_describes(me) || fs_is_dir(data_dir) != 1) return REC_SKIP;
    history_read(data_dir, &old, why, sizeof why);
    double age = old.known && !offset_due ? wall_ms() - (double)old.written_ms : -1;
    enum recording_verdict v = recording_due(&old, me, age, &next);
    if (v != REC_LINE && v != REC_OFFSET) return v;
    if (history_write(data_dir, &next, &e)) {
        if (!failing++)
            log_warn("cannot record the replication history; a cold start may wait for an operator",
                     "dir", data_dir, "error", e.msg, NULL);
        return REC_SKIP;
    }
    if (failing) log_info("the history record is written again", "dir", data_dir, NULL);
    failing = 0;
    if (v == REC_LINE && announce) {
        char h[96];
        history_describe(&next, h, sizeof h);
        log_info("recorded a new replication history", "history", h, NULL);
    }
    return v;
}

enum recording_verdict record_keep(const char *data_dir, const struct redis_obs *me) {
    return keep(data_dir, me, 0, 1);
}

void record_refresh(const char *data_dir, const struct redis_obs *me) { keep(data_dir, me, 1, 0); }

int record_forget(const char *data_dir) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", data_dir, HISTORY_FILE) >= (int)sizeof path) return -1;
    if (unlink(path) == 0) {
        log_info("the data dir holds no data: forgot its history record", "file", path, NULL);
        return 0;
    }
    if (errno == ENOENT) return 0;
    log_warn("cannot remove the history record of an empty data dir", "file", path, "error",
             strerror(errno), NULL);
    return -1;
}
