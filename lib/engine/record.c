/* record.c: the one writer of the history record (see record.h). */
#include "engine/record.h"

#include "base/fsutil.h"
#include "base/log.h"
#include "model/history.h"

void record_refresh(const char *data_dir, const struct redis_obs *me) {
    if (me->p.outcome != OUT_ANSWER || me->loading || !me->hist.known) return;
    if (me->role != ROLE_MASTER &&
        !(me->role == ROLE_REPLICA && me->link_up && !me->sync_in_progress))
        return;
    if (fs_is_dir(data_dir) != 1) return;
    struct history old, next;
    char why[160];
    ri_err e = {0};
    static int warned; /* prestop rounds come every 50 ms: say it once */
    history_read(data_dir, &old, why, sizeof why);
    history_refresh(&old, &me->hist, &next);
    if (history_write(data_dir, &next, &e) && !warned++)
        log_warn("cannot record the replication history; a cold start may wait for an operator",
                 "dir", data_dir, "error", e.msg, NULL);
}
