/* exporter.c: the exporter's password file (see exporter.h). Built by hand
 * into a buf, which wipes what it drops: no copy of the password is left
 * in freed memory, as a JSON library's would be. */
#include "engine/exporter.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/log.h"

#define EXPORTER_FILE "passwords.json"

/* A JSON string: quotes, backslashes and control bytes escaped; other
 * bytes (UTF-8) as they are. */
static int json_string(struct buf *b, const char *v) {
    if (buf_appends(b, "\"")) return -1;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        int rc = *p == '"' || *p == '\\' ? buf_printf(b, "\\%c", *p)
                 : *p < 0x20             ? buf_printf(b, "\\u%04x", *p)
                                         : buf_append(b, (const char *)p, 1);
        if (rc) return -1;
    }
    return buf_appends(b, "\"");
}

static int entry(struct buf *b, int *first, const char *scheme, const char *host, int port,
                 const char *pass) {
    char uri[300];
    snprintf(uri, sizeof uri, "%s://%s:%d", scheme, host, port);
    if (buf_appends(b, *first ? "{\n  " : ",\n  ") || json_string(b, uri) || buf_appends(b, ": ") ||
        json_string(b, pass))
        return -1;
    *first = 0;
    return 0;
}

int exporter_write(const struct settings *s, const struct secrets *sec, int is_sentinel,
                   ri_err *e) {
    if (!s->exporter_dir[0]) return 0;
    const char *pass = secrets_get(sec, SECRET_EXPORTER_PASS, NULL);
    if (!pass || !*pass)
        return ri_fail(e, EX_CONFIG,
                       "[metrics] exporter-dir is set, but the secrets have no %s for the "
                       "exporter's user",
                       SECRET_EXPORTER_PASS);
    char fqdn[SET_HOST_MAX];
    int rc = settings_own_host(s, is_sentinel, fqdn, sizeof fqdn, e);
    if (rc) return rc;
    int port = is_sentinel ? s->sentinel_port : s->redis_port, first = 1, oom = 0;
    const char *hosts[] = {"localhost", fqdn};
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 2 && !oom; i++) {
        if (s->tls != TLS_ON) oom |= entry(&b, &first, "redis", hosts[i], port, pass);
        if (s->tls != TLS_OFF) oom |= entry(&b, &first, "rediss", hosts[i], port, pass);
    }
    if (oom || buf_appends(&b, "\n}\n")) {
        buf_free(&b);
        return ri_fail(e, EX_OSERR, "out of memory");
    }
    struct out_file f = {EXPORTER_FILE, b.data, b.len, 0400};
    rc = fs_write_files(s->exporter_dir, &f, 1, e);
    buf_free(&b);
    if (rc) return ri_prefix(e, "[metrics] exporter-dir");
    log_info("wrote the exporter's password file", "file", EXPORTER_FILE, "dir", s->exporter_dir,
             NULL);
    return 0;
}
