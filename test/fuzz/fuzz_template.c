/* fuzz_template: render arbitrary bytes as a template against a fixed
 * context. The renderer must never crash, leak, read past len or recurse
 * without bound, must give the same result twice, and must leave the
 * output buffer untouched on error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Values, an empty value, a list whose items shadow and nest, and a known
 * empty list: every branch of the renderer is reachable. Built once. */
static struct tmpl_ctx *context(void) {
    static struct tmpl_ctx *c;
    if (c) return c;
    c = tmpl_ctx_new();
    if (!c) abort();
    int rc = tmpl_set(c, "name", "redis") | tmpl_set(c, "port", "6379") | tmpl_set(c, "empty", "") |
             tmpl_set(c, "x", "\"quoted \\x00\"") | tmpl_set_list(c, "none");
    for (int i = 0; i < 2; i++) {
        struct tmpl_ctx *u = tmpl_add_item(c, "users");
        if (!u) abort();
        rc |= tmpl_setf(u, "name", "user%d", i) | tmpl_set(u, "rules", "~* +@all");
        if (i == 0) rc |= tmpl_set(u, "pass", "#abc");
        struct tmpl_ctx *k = tmpl_add_item(u, "keys");
        if (!k) abort();
        rc |= tmpl_setf(k, "x", "k%d", i);
    }
    if (rc) abort();
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const struct tmpl_ctx *c = context();
    /* An exact-size heap copy so ASan catches any read past len. */
    char *src = malloc(size ? size : 1);
    if (!src) return 0;
    if (size) memcpy(src, data, size);

    struct buf a, b;
    ri_err ea = {0}, eb = {0};
    buf_init(&a);
    buf_init(&b);
    if (buf_appends(&b, "prefix") < 0) abort();
    int ra = tmpl_render(src, size, "fuzz", c, &a, &ea);
    int rb = tmpl_render(src, size, "fuzz", c, &b, &eb);

    if (ra != rb) abort();
    if (ra) {
        if (ea.code != ra || strcmp(ea.msg, eb.msg) != 0) abort();
        if (strncmp(ea.msg, "fuzz:", 5) != 0) abort();
        if (a.len != 0 || b.len != 6) abort();
    } else {
        if (b.len != a.len + 6 || memcmp(b.data + 6, a.len ? a.data : "", a.len) != 0) abort();
    }
    buf_free(&a);
    buf_free(&b);
    free(src);
    return 0;
}
