/* fuzz_ini: settings_parse_ini() + settings_finish() on arbitrary bytes.
 * Oracle: when both succeed, settings_dump() fed back through --set into a
 * fresh struct must finish and dump identically (every key is settable
 * from its own dump). Errors must be one line with a config/usage code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct settings A, B;

struct dump {
    char *buf;
    size_t len, cap;
};

static void collect(void *ctx, const char *text) {
    struct dump *d = ctx;
    size_t n = strlen(text);
    if (d->len + n + 2 > d->cap) {
        d->cap = (d->len + n + 2) * 2;
        d->buf = realloc(d->buf, d->cap);
        if (!d->buf) abort();
    }
    memcpy(d->buf + d->len, text, n);
    d->len += n;
    d->buf[d->len++] = '\n';
    d->buf[d->len] = '\0';
}

static void check_err(const ri_err *e, int rc) {
    if (rc != e->code || (rc != EX_CONFIG && rc != EX_USAGE && rc != EX_OSERR) ||
        !memchr(e->msg, '\0', sizeof e->msg) || strchr(e->msg, '\n'))
        abort();
}

/* "section.key = value" -> "section.key=value" for settings_set_arg(). */
static void replay(const char *dump) {
    settings_init(&B);
    ri_err e = {0};
    for (const char *p = dump; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        char line[4096];
        if (n >= sizeof line) abort();
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl + 1;
        if (line[0] == '#') continue;
        char *eq = strstr(line, " =");
        if (!eq) abort();
        char arg[4096];
        const char *val = eq[2] == ' ' ? eq + 3 : eq + 2;
        *eq = '\0';
        snprintf(arg, sizeof arg, "%s=%s", line, val);
        if (settings_set_arg(&B, arg, &e)) abort();
    }
    if (settings_finish(&B, &e)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ri_err e = {0};
    settings_init(&A);
    int rc = settings_parse_ini(&A, (const char *)data, size, "fuzz.ini", &e);
    if (!rc) rc = settings_finish(&A, &e);
    if (rc) {
        check_err(&e, rc);
        return 0;
    }
    char host[SET_HOST_MAX];
    for (int i = 0; i < A.redis_replicas; i++)
        if (settings_host(&A, A.redis_service, i, host, sizeof host, &e)) abort();
    struct dump d1 = {0}, d2 = {0};
    settings_dump(&A, collect, &d1);
    replay(d1.buf);
    settings_dump(&B, collect, &d2);
    if (d1.len != d2.len || memcmp(d1.buf, d2.buf, d1.len) != 0) abort();
    free(d1.buf);
    free(d2.buf);
    return 0;
}
