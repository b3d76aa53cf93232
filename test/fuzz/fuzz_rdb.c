/* fuzz_rdb: rdb_inspect on any bytes, from an exact-size buffer so ASan
 * sees a read past len. Oracles: the contract (invalid => has keys), and
 * determinism over prefixes: a prefix that reaches a decision must give the
 * same result as the whole input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/localdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inspect(const uint8_t *data, size_t n, struct rdb_info *ri) {
    unsigned char *b = malloc(n ? n : 1);
    if (!b) abort();
    memcpy(b, data, n);
    rdb_inspect(b, n, ri);
    free(b);
}

static void check(const struct rdb_info *ri, size_t n) {
    if (!ri->valid && !ri->has_keys) abort();
    if (!memchr(ri->replid, '\0', sizeof ri->replid)) abort();
    if (ri->offset < -1) abort();
    if (ri->has_keys && ri->end != 0) abort();
    if (!ri->has_keys && (ri->end < 10 || ri->end > n + 8)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct rdb_info full, half;
    inspect(data, size, &full);
    check(&full, size);
    inspect(data, size / 2, &half);
    check(&half, size / 2);
    if (half.valid &&
        (full.valid != half.valid || full.has_keys != half.has_keys || full.end != half.end ||
         full.offset != half.offset || strcmp(full.replid, half.replid) != 0))
        abort();
    return 0;
}
