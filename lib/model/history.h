/* history.h: which replication history a data set holds, and which of
 * several is the newest.
 *
 * A history is a replication id and an offset: "this data set holds every
 * write of history <id> up to <offset>". It may continue an older one (the
 * parent): a promoted replica's master_replid2 / second_repl_offset, or the
 * history a restarted server loaded from disk before Redis gave it a new
 * random id (Redis 7 with appendonly yes reports a fresh master_replid and
 * offset 0 after every restart, so the files alone cannot say this).
 *
 * A running server tells its history in INFO. A stopped one cannot, so
 * redis-init records it on the data volume (HISTORY_FILE), refreshed by
 * `check --readiness` and by `prestop`, and read by `run` at the next boot;
 * a pod still deciding publishes its record through the beacon (beacon.h).
 *
 * The pure part (history_from_live, history_refresh, history_newest) has
 * no I/O and is table-tested; docs/decision.md gives the rules.
 */
#ifndef RI_HISTORY_H
#define RI_HISTORY_H

#include "base/err.h"

#define HISTORY_FILE   "redis-init.history"
#define HISTORY_ID_MAX 41

struct history {
    int known;                      /* 0: nothing recorded or observed */
    char id[HISTORY_ID_MAX];        /* head: replication id */
    long long offset;               /* ... and the offset reached on it */
    char parent_id[HISTORY_ID_MAX]; /* the history the head continues, "" if none */
    long long parent_offset;        /* ... up to this offset (-1 if none) */
    int was_master;                 /* recorded or seen as the master of id */
    long long written_ms;           /* wall clock of the record (0: live) */
};

/* ---- pure ---- */

/* The history a running server reports: role master or replica (is_master),
 * master_replid, master_repl_offset, master_replid2, second_repl_offset.
 * An all-zero replid2 means none. */
void history_from_live(struct history *h, int is_master, const char *replid, long long offset,
                       const char *replid2, long long second_offset);

/* The record to keep after a probe saw `live` while `old` was on disk. A
 * server on a new id with no parent link (a restart: Redis gave it a random
 * id) that is a master still holds what old described: old's head becomes
 * the parent. A replica's data is its master's (it may have full-synced), so
 * its record is what it reports. */
void history_refresh(const struct history *old, const struct history *live, struct history *out);

/* 1 when a continues b's line: a names b's id as its parent (a was promoted
 * from it, or restarted on it), so b is the older line. Unrelated ids prove
 * nothing. */
int history_continues(const struct history *a, const struct history *b);

/* 1 when a's data provably contains b's (b's head is a's head at a higher
 * or equal offset, or a's parent at a higher or equal offset). */
int history_contains(const struct history *a, const struct history *b);

enum newest_verdict {
    NEWEST_ONE = 0,  /* *pick is the newest */
    NEWEST_NONE,     /* no candidate */
    NEWEST_UNKNOWN,  /* a candidate has no known history: cannot rank it */
    NEWEST_DIVERGED, /* two lines that no record links: cannot rank them */
};

/* The newest of n histories (the candidates that hold data). A history is
 * superseded when another continues it (names it as parent), directly or
 * through a chain; the newest line is the one nobody supersedes, and there
 * must be exactly one. On it: the one recorded as its master (replicas hold
 * a prefix of the master's stream), then the highest offset, then the
 * lowest index. conflict_a/conflict_b: the two indexes that made the
 * verdict DIVERGED or the one that made it UNKNOWN (else -1). */
enum newest_verdict history_newest(const struct history *h, int n, int *pick, int *conflict_a,
                                   int *conflict_b);

/* "a1b2c3d4@1234 (from 9f8e7d6c@1000, master)" for reasons. */
void history_describe(const struct history *h, char *buf, size_t size);

/* ---- the record on the data volume ---- */

/* Read dir/HISTORY_FILE. A missing file is known=0 and no error; a
 * malformed one is known=0 with *why set (the caller warns: the record is
 * ours, a lost one only costs a wait). */
void history_read(const char *dir, struct history *h, char *why, size_t whylen);

/* Write h atomically (temp file, fsync, rename), stamping written_ms. */
int history_write(const char *dir, struct history *h, ri_err *e);

/* Parse / format the record text (exposed for tests and the fuzzer). */
int history_parse(const char *text, struct history *h, char *why, size_t whylen);
int history_format(const struct history *h, char *buf, size_t size);

#endif
