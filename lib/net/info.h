/* info.h: parsing the text of INFO replies into observations. Pure; never
 * reads past the NUL; unknown fields are ignored (fuzzed). */
#ifndef RI_INFO_H
#define RI_INFO_H

#include "model/observation.h"

/* Fill role, master_host/port, link_up, replid(2), offset, second_offset,
 * connected_replicas, sync_in_progress from "INFO replication" text. Those fields are reset
 * first (second_offset to -1); p, keys and loading are not touched.
 * role:slave and role:replica are ROLE_REPLICA; role:redis-init (the beacon,
 * lib/beacon.h) is ROLE_INIT with ri_has_data and the ri_ history fields.
 * hist is the live history (master/replica) or the beacon's record. Returns 0, or -1 if no
 * role: field was found. */
int info_parse_replication(const char *text, struct redis_obs *r);

/* Sum keys=N over "dbX:keys=N,expires=..." lines of "INFO keyspace". */
long long info_parse_keys(const char *text);

/* loading:1 in "INFO persistence". */
int info_parse_loading(const char *text);

/* role, connected_clients, maxclients, min_slaves_good_slaves and the
 * errorstat_NOREPLICAS count from INFO text (any sections); each field
 * not found stays -1 (role: ROLE_UNKNOWN). st->p is not touched. */
void info_parse_stats(const char *text, struct server_stats *st);

#endif
