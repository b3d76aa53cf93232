/* recording.h: when the history record on the data volume must be
 * rewritten (model/history.h), the detector the agent runs at every look
 * at its server. Pure.
 *
 *  - Only a state whose history is the data set's is recorded: a master,
 *    or a replica whose link is up and not in a full sync; never a loading
 *    server or one that did not answer (recording_describes()).
 *  - The record to write is history_refresh(on disk, live) (a restarted
 *    master keeps its lineage).
 *  - It is written at once when it differs from the record on disk in its
 *    line: the replication id, the parent, or master/replica (a promotion
 *    writes the new line before a replica can attach and acknowledge a
 *    write on it); when only the offset moved, once the record is
 *    RECORDING_OFFSET_MS old. Comparing with the disk, not with what the
 *    agent last wrote, repairs an older state written meanwhile by
 *    another writer (a `check` that observed before the promotion).
 */
#ifndef RI_RECORDING_H
#define RI_RECORDING_H

#include "model/history.h"
#include "model/observation.h"

#define RECORDING_OFFSET_MS 1000.0

enum recording_verdict {
    REC_SKIP = 0, /* the live state does not describe the data set: write nothing */
    REC_SAME,     /* the record on disk says it already */
    REC_LINE,     /* a new line, parent or role: write now */
    REC_OFFSET,   /* the same line further on, and the record is old enough: write */
};

/* "skip", "same", "line", "offset". */
const char *recording_verdict_name(enum recording_verdict v);

int recording_describes(const struct redis_obs *live);

/* on_disk: the record as read (known=0: none or unreadable); age_ms: how
 * old it is (now - written-ms; anything below 0 counts as old). next gets
 * the record to write (on REC_LINE and REC_OFFSET). */
enum recording_verdict recording_due(const struct history *on_disk, const struct redis_obs *live,
                                     double age_ms, struct history *next);

#endif
