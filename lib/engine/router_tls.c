/* router_tls.c: the router's TLS (docs/tls.md "The router"; router.h).
 *
 * HAProxy terminates the clients' TLS with router.pem (the [tls] cert and
 * key in one file, as HAProxy wants them) and opens its own to the server
 * it routes to, verifying that server's name (verifyhost, and SNI) against
 * the CA bundle, with router-client.pem as its client certificate. Both
 * files are written 0600 into the conf dir, and the stats socket there is
 * how `router --run` hands HAProxy renewed ones. Two files, not one: HAProxy
 * 2.6 does not update a server line's certificate on `commit ssl cert` of a
 * file that a bind line uses too. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/cfgquote.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "engine/render.h"
#include "engine/router.h"
#include "net/haproxy.h"

#define PEM_MAX (1u << 20)

int router_tls_paths(const struct settings *s, struct router_tls *t, ri_err *e) {
    char dir[PATH_MAX];
    int rc;
    if ((rc = tlsboot_paths(s, &t->p, e)) || (rc = fs_absolute(s->conf_dir, dir, sizeof dir, e)) ||
        (rc = fs_join(t->crt, sizeof t->crt, dir, "router.pem", e)) ||
        (rc = fs_join(t->client, sizeof t->client, dir, "router-client.pem", e)) ||
        (rc = fs_join(t->sock, sizeof t->sock, dir, "haproxy.sock", e)))
        return rc;
    if (strlen(t->sock) >= 100) /* sun_path: 108 bytes with the NUL, and a margin */
        return ri_fail(e, EX_CONFIG,
                       "[paths] conf-dir: %s is too long a path for the router's runtime socket "
                       "(at most 86 bytes)",
                       dir);
    return 0;
}

/* " word" or " word <quoted>" appended to b. */
static int opt(struct buf *b, const char *word, const char *val, ri_err *e) {
    char q[2 * PATH_MAX];
    if (!val) return buf_printf(b, " %s", word) ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    if (haproxy_quote(val, strlen(val), q, sizeof q) < 0)
        return ri_fail(e, EX_CONFIG, "tls: \"%s\" cannot be written into haproxy.cfg", val);
    return buf_printf(b, " %s %s", word, q) ? ri_fail(e, EX_OSERR, "out of memory") : 0;
}

/* Protocols, ciphers: what bind and server lines share. [tls] protocols
 * holds TLSv1.2, TLSv1.3 or both (validate.c). */
static int common(struct buf *b, const struct settings *s, ri_err *e) {
    int has12 = strstr(s->tls_protocols, "TLSv1.2") != NULL;
    int has13 = strstr(s->tls_protocols, "TLSv1.3") != NULL;
    int rc = opt(b, has12 ? "ssl-min-ver TLSv1.2" : "ssl-min-ver TLSv1.3", NULL, e);
    if (!rc) rc = opt(b, has13 ? "ssl-max-ver TLSv1.3" : "ssl-max-ver TLSv1.2", NULL, e);
    if (!rc && s->tls_ciphers[0]) rc = opt(b, "ciphers", s->tls_ciphers, e);
    if (!rc && s->tls_ciphersuites[0]) rc = opt(b, "ciphersuites", s->tls_ciphersuites, e);
    return rc;
}

static int set_buf(struct tmpl_ctx *c, const char *name, struct buf *b, ri_err *e) {
    int rc = buf_append(b, "", 1) || tmpl_set(c, name, b->data);
    buf_free(b);
    return rc ? ri_fail(e, EX_OSERR, "out of memory while rendering the router") : 0;
}

int router_tls_context(struct tmpl_ctx *c, const struct settings *s, const struct router_tls *t,
                       ri_err *e) {
    static const char *const verify[] = {"verify none", "verify optional", "verify required"};
    if (tmpl_set_list(c, "tls") || tmpl_set_list(c, "plain"))
        return ri_fail(e, EX_OSERR, "out of memory while rendering the router");
    if (s->tls == TLS_OFF)
        return tmpl_set(c, "bind_ssl", "")
                   ? ri_fail(e, EX_OSERR, "out of memory while rendering the router")
                   : 0;
    struct tmpl_ctx *it = tmpl_add_item(c, "tls");
    struct buf b;
    buf_init(&b);
    int rc = !it ? ri_fail(e, EX_OSERR, "out of memory") : opt(&b, "ssl", NULL, e);
    if (!rc) rc = opt(&b, "crt", t->crt, e);
    if (!rc) rc = opt(&b, "ca-file", t->p.ca, e);
    if (!rc) rc = opt(&b, verify[s->tls_auth], NULL, e);
    if (!rc) rc = common(&b, s, e);
    if (!rc) rc = set_buf(c, "bind_ssl", &b, e);
    else buf_free(&b);
    if (!rc) rc = render_set_quoted(it, "socket", haproxy_quote, t->sock, e);
    if (!rc && s->tls == TLS_DUAL) {
        struct tmpl_ctx *pl = tmpl_add_item(c, "plain");
        if (!pl || tmpl_setf(pl, "plain_port", "%d", s->tls_plain_port))
            rc = ri_fail(e, EX_OSERR, "out of memory while rendering the router");
    }
    return rc;
}

int router_tls_server(struct tmpl_ctx *item, const struct settings *s, const struct router_tls *t,
                      const char *fqdn, ri_err *e) {
    struct buf b;
    buf_init(&b);
    int rc = 0;
    if (s->tls != TLS_OFF) {
        /* A host name: [a-z0-9.-] only (settings_host), nothing to quote. */
        rc = buf_printf(&b, " ssl verify required verifyhost %s sni str(%s)", fqdn, fqdn)
                 ? ri_fail(e, EX_OSERR, "out of memory")
                 : 0;
        if (!rc) rc = opt(&b, "ca-file", t->p.ca, e);
        if (!rc) rc = opt(&b, "crt", t->client, e);
        if (!rc) rc = common(&b, s, e);
    }
    if (rc) {
        buf_free(&b);
        return rc;
    }
    return set_buf(item, "ssl", &b, e);
}

/* A PEM file appended to out without its empty lines (an empty line ends
 * a payload on HAProxy's runtime API) and without CRs. */
static int pem_append(const char *path, struct buf *out, ri_err *e) {
    struct file_data d;
    int rc = fs_read_file(path, "tls file", PEM_MAX, FS_WIPE, &d, e);
    for (const char *p = d.data, *end = d.data + d.len; !rc && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t m = n && p[n - 1] == '\r' ? n - 1 : n;
        if (m && (buf_append(out, p, m) || buf_append(out, "\n", 1)))
            rc = ri_fail(e, EX_OSERR, "out of memory");
        p += n + 1;
    }
    fs_file_free(&d);
    return rc;
}

/* A certificate file then its key, in one PEM (HAProxy's crt). */
static int pem_pair(const char *cert, const char *key, struct buf *out, ri_err *e) {
    int rc = pem_append(cert, out, e);
    return rc ? rc : pem_append(key, out, e);
}

int router_tls_pems(const struct router_tls *t, struct buf *crt, struct buf *client, ri_err *e) {
    int rc = pem_pair(t->p.cert, t->p.key, crt, e);
    return rc ? rc : pem_pair(t->p.ccert, t->p.ckey, client, e);
}

int router_tls_apply(const struct settings *s, const struct router_tls *t, int push_crt,
                     int push_client, ri_err *e) {
    struct buf crt, client;
    buf_init(&crt), buf_init(&client);
    int rc = router_tls_pems(t, &crt, &client, e);
    char dir[PATH_MAX];
    if (!rc) rc = fs_absolute(s->conf_dir, dir, sizeof dir, e);
    if (!rc) {
        /* On disk first: a restarted HAProxy starts on the renewed ones. */
        struct out_file f[2] = {{"router.pem", crt.data, crt.len, 0600},
                                {"router-client.pem", client.data, client.len, 0600}};
        rc = fs_write_files(dir, f, 2, e);
    }
    struct {
        int push;
        const char *file;
        struct buf *b;
    } steps[] = {{push_crt, t->crt, &crt}, {push_client, t->client, &client}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !rc; i++) {
        if (!steps[i].push) continue;
        char cmd[PATH_MAX + 32];
        snprintf(cmd, sizeof cmd, "set ssl cert %s", steps[i].file);
        rc = haproxy_cmd(t->sock, cmd, steps[i].b->data, steps[i].b->len, "transaction created",
                         s->probe_timeout_ms, e);
        snprintf(cmd, sizeof cmd, "commit ssl cert %s", steps[i].file);
        if (!rc) rc = haproxy_cmd(t->sock, cmd, NULL, 0, "success", s->probe_timeout_ms, e);
    }
    buf_free(&crt), buf_free(&client);
    return rc;
}
