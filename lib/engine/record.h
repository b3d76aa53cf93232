/* record.h: keeping the replication-history record on the data volume
 * (model/history.h) in step with what the pod's own server reports.
 *
 * record_refresh() is the one writer of the record: `check --readiness`,
 * every round of `prestop` call it with the pod's own server as observed.
 * It writes only states whose history is the data set's: a master, or a
 * replica whose link is up and not in a full sync (its data is then a
 * prefix of its master's stream). A loading server, a broken link or no
 * answer says nothing new, and a missing data dir (a probe run outside the
 * pod) records nothing. A failed write is logged once per process: the
 * record is ours, a lost one only costs a wait at the next cold start.
 */
#ifndef RI_RECORD_H
#define RI_RECORD_H

#include "model/observation.h"

void record_refresh(const char *data_dir, const struct redis_obs *me);

#endif
