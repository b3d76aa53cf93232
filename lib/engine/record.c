/* record.c: the one writer of the history record (see record.h). */
#include "engine/record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* The record as last read, and the file it came from: the agent looks ten
 * times a second, and a stat() that finds the same file (an atomic rename
 * makes a new inode) spares reading it again. Per thread. */
struct seen {
    int valid;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
    struct history h;
};
static _Thread_local struct seen seen;

static int same_file(const struct stat *st) {
    return seen.valid && st->st_dev == seen.dev && st->st_ino == seen.ino &&
           st->st_size == seen.size && st->st_mtim.tv_sec == seen.mtim.tv_sec &&
           st->st_mtim.tv_nsec == seen.mtim.tv_nsec;
}

/* The record on disk (known=0: none or unreadable); -1 when the data dir
 * is missing (a probe run outside the pod). */
static int read_record(const char *data_dir, struct history *h) {
    char path[4096], why[160];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", data_dir, HISTORY_FILE) >= (int)sizeof path) return -1;
    int found = stat(path, &st) == 0;
    if (found && same_file(&st)) {
        *h = seen.h;
        return 0;
    }
    if (!found && fs_is_dir(data_dir) != 1) return -1;
    history_read(data_dir, h, why, sizeof why);
    seen.valid = found && h->known;
    if (seen.valid) {
        seen.dev = st.st_dev, seen.ino = st.st_ino, seen.size = st.st_size, seen.mtim = st.st_mtim;
        seen.h = *h;
    }
    return 0;
}

/* offset_due: the offset is written whatever the record's age (check,
 * prestop); announce: a new line is logged (the agent; a check answers
 * with one line, its verdict). */
static enum recording_verdict keep(const char *data_dir, const struct redis_obs *me, int offset_due,
                                   int announce) {
    struct history old, next;
    ri_err e = {0};
    /* The agent comes every 100 ms, prestop rounds every 50: one line when
     * writing starts to fail, one when it works again. */
    static _Thread_local int failing;
    if (!recording_describes(me) || read_record(data_dir, &old) != 0) return REC_SKIP;
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
