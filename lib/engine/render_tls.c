/* render_tls.c: the TLS lines of redis.conf and sentinel.conf (the tls
 * section of both templates; docs/tls.md). */
#include "base/quote.h"
#include "engine/render.h"
#include "engine/tlsboot.h"

static int quoted(struct tmpl_ctx *c, const char *name, const char *val, ri_err *e) {
    return render_set_quoted(c, name, conf_quote, val, e);
}

int render_tls_context(struct tmpl_ctx *c, const struct settings *s, int sentinel, ri_err *e) {
    static const char *const modes[] = {"off", "on", "dual"};
    if (tmpl_set_list(c, "tls")) return ri_fail(e, EX_OSERR, "out of memory while rendering");
    if (s->tls == TLS_OFF) return 0;
    struct tmpl_ctx *it = tmpl_add_item(c, "tls");
    int plain =
        s->tls == TLS_DUAL ? (sentinel ? s->tls_plain_sentinel_port : s->tls_plain_port) : 0;
    if (!it || tmpl_set(it, "mode", modes[s->tls]) || tmpl_setf(it, "plain_port", "%d", plain) ||
        tmpl_set(it, "auth_clients", s->tls_auth_clients))
        return ri_fail(e, EX_OSERR, "out of memory while rendering");
    struct tls_paths p; /* the same paths redis-init itself reads and watches */
    int rc;
    if ((rc = tlsboot_paths(s, &p, e)) || (rc = quoted(it, "cert", p.cert, e)) ||
        (rc = quoted(it, "key", p.key, e)) || (rc = quoted(it, "ca", p.ca, e)) ||
        (rc = quoted(it, "protocols", s->tls_protocols, e)))
        return rc;
    /* Only a pair of its own: without one, the server's is its client's too. */
    if (s->tls_client_cert[0] && ((rc = quoted(it, "client_cert", p.ccert, e)) ||
                                  (rc = quoted(it, "client_key", p.ckey, e))))
        return rc;
    if (s->tls_ciphers[0] && (rc = quoted(it, "ciphers", s->tls_ciphers, e))) return rc;
    if (s->tls_ciphersuites[0] && (rc = quoted(it, "ciphersuites", s->tls_ciphersuites, e)))
        return rc;
    return 0;
}
