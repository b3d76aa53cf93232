/* fuzz_quote: conf_quote() output must split back to exactly the input
 * bytes; conf_split() must be memory-safe on any line, and whatever it
 * splits must survive re-quoting and splitting again. abort() on mismatch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

/* Quote then split: one argument, the same bytes. */
static void round_trip(const char *in, size_t len) {
    size_t qcap = 4 * len + 3;
    char *q = malloc(qcap);
    char *args[2];
    size_t lens[2];
    if (!q) return;
    int qn = conf_quote(in, len, q, qcap);
    if (memchr(in, '\0', len)) {
        if (qn != -1) abort();
        free(q);
        return;
    }
    if (qn < 2 || (size_t)qn != strlen(q)) abort();
    for (int i = 0; i < qn; i++)
        if (q[i] < 0x20 || q[i] > 0x7e) abort();
    int n = conf_split(q, args, lens, 2);
    if (n != 1 || lens[0] != len || memcmp(args[0], in, len) != 0) abort();
    conf_free_args(args, n);
    /* One byte short of what was written must be refused, not truncated. */
    if (conf_quote(in, len, q, (size_t)qn) != -1) abort();
    free(q);
}

/* Split raw bytes as a line; re-quote what came out and split again. */
static void resplit(const char *line) {
    char *args[MAX_ARGS], *again[MAX_ARGS];
    size_t lens[MAX_ARGS], lens2[MAX_ARGS];
    int kept[MAX_ARGS], nkept = 0;
    int n = conf_split(line, args, lens, MAX_ARGS);
    if (n < 0) return;
    size_t cap = 1;
    for (int i = 0; i < n; i++) cap += 4 * lens[i] + 4;
    char *joined = malloc(cap), *w = joined;
    if (!joined) abort();
    for (int i = 0; i < n; i++) {
        if (memchr(args[i], '\0', lens[i])) continue; /* "\x00" splits but cannot be quoted */
        int q = conf_quote(args[i], lens[i], w, cap - (size_t)(w - joined));
        if (q < 0) abort();
        w += q;
        *w++ = ' ';
        kept[nkept++] = i;
    }
    *w = '\0';
    int m = conf_split(joined, again, lens2, MAX_ARGS);
    if (m != nkept) abort();
    for (int j = 0; j < m; j++) {
        int i = kept[j];
        if (lens2[j] != lens[i] || memcmp(again[j], args[i], lens[i]) != 0) abort();
    }
    conf_free_args(again, m);
    conf_free_args(args, n);
    free(joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    round_trip(s, size);
    resplit(s);
    free(s);
    return 0;
}
