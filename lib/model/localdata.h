/* localdata.h: does this pod's data directory hold data?
 *
 * "Holds data" means at least one key, not merely a file: a replica that
 * synced an empty master writes an RDB with no keys, and that must count as
 * empty. We read only the RDB preamble: aux fields come first (repl-id,
 * repl-offset), then SELECTDB, which Redis writes only for non-empty DBs.
 * Anything we cannot read with certainty counts as data (conservative:
 * wrongly "empty" could make this node a master that wipes its replicas).
 *
 * Files looked at, in dir: dump.rdb, appendonly.aof (Redis < 7), and the
 * AOF directory (default "appendonlydir", 7.0+): its base .rdb/.aof and any
 * non-empty incremental .aof.
 */
#ifndef RI_LOCALDATA_H
#define RI_LOCALDATA_H

#include <stddef.h>

#include "base/err.h"

struct rdb_info {
    int valid;       /* magic "REDIS" + 4 digits (or "VALKEY" + 3) parsed AND the opcodes read up to
                              a decision (SELECTDB, EOF, or an opcode we do not know) */
    int has_keys;    /* 1 keys found (or unknown content), 0 none; valid==0 => has_keys==1 */
    char replid[41]; /* aux repl-id, "" if absent (kept even when valid==0) */
    long long offset; /* aux repl-offset, -1 if absent (kept even when valid==0) */
    size_t end;       /* has_keys==0: bytes the RDB occupies including the EOF
                              opcode and its 8-byte checksum (may exceed len); else 0.
                              An AOF with an RDB preamble has commands beyond it. */
};

/* Pure: inspect the first len bytes of an RDB file. Never reads past len.
 * Truncated before a decision: valid=0, has_keys=1. */
void rdb_inspect(const unsigned char *buf, size_t len, struct rdb_info *out);

struct local_data {
    int has_data;      /* 1 if any key (or uncertainty), 0 if provably empty */
    char replid[41];   /* from the newest RDB seen, "" if unknown */
    long long offset;  /* from the newest RDB seen, -1 if unknown */
    char summary[256]; /* e.g. "dump.rdb: keys, repl-offset 1234" or "no data files" */
};

/* A missing dir is empty (fresh volume). An unreadable one is EX_IOERR. */
int localdata_inspect(const char *dir, struct local_data *out, ri_err *e);

#endif
