/* recording.c: when to rewrite the history record (see recording.h). */
#include "rules/recording.h"

#include <string.h>

const char *recording_verdict_name(enum recording_verdict v) {
    static const char *const names[] = {"skip", "same", "line", "offset"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "unknown";
}

int recording_describes(const struct redis_obs *live) {
    if (live->p.outcome != OUT_ANSWER || live->loading || !live->hist.known) return 0;
    return live->role == ROLE_MASTER ||
           (live->role == ROLE_REPLICA && live->link_up && !live->sync_in_progress);
}

static int same_line(const struct history *a, const struct history *b) {
    return a->known && b->known && strcmp(a->id, b->id) == 0 &&
           strcmp(a->parent_id, b->parent_id) == 0 && a->parent_offset == b->parent_offset &&
           a->was_master == b->was_master;
}

enum recording_verdict recording_due(const struct history *on_disk, const struct redis_obs *live,
                                     double age_ms, struct history *next) {
    if (!recording_describes(live)) return REC_SKIP;
    history_refresh(on_disk, &live->hist, next);
    if (!same_line(on_disk, next)) return REC_LINE;
    if (on_disk->offset == next->offset) return REC_SAME;
    return age_ms < 0 || age_ms >= RECORDING_OFFSET_MS ? REC_OFFSET : REC_SAME;
}
