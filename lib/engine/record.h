/* record.h: keeping the replication-history record on the data volume
 * (model/history.h) in step with what the pod's own server reports.
 *
 * One writer, two callers. record_keep() writes when the pure detector
 * (rules/recording.h) says the record is due: a new line at once, the
 * same line further on once a second old; the agent calls it at every look
 * at its server. record_refresh() is the same with the offset always due:
 * `check --readiness` and every round of `prestop` call it. Only states
 * whose history is the data set's are written; a missing data dir (a probe
 * run outside the pod) records nothing. A failed write is logged once,
 * and once more when writing works again (per thread); a new line is
 * logged by record_keep() only (a check answers with one line). The record
 * is ours: a lost one only costs a wait at the next cold start.
 */
#ifndef RI_RECORD_H
#define RI_RECORD_H

#include "model/observation.h"
#include "rules/recording.h"

enum recording_verdict record_keep(const char *data_dir, const struct redis_obs *me);
void record_refresh(const char *data_dir, const struct redis_obs *me);

/* Remove the record of a data dir that holds no data: it describes data
 * that is gone, and a fresh server must not inherit its lineage. 0, or -1
 * (logged) when it could not be removed. */
int record_forget(const char *data_dir);

#endif
