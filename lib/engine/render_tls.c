/* render_tls.c: the TLS lines of redis.conf and sentinel.conf (the tls
 * section of both templates; docs/tls.md). */
#include <limits.h>
#include <stdio.h>

#include "base/fsutil.h"
#include "base/quote.h"
#include "engine/render.h"

static int quoted(struct tmpl_ctx *c, const char *name, const char *val, ri_err *e) {
    return render_set_quoted(c, name, conf_quote, val, e);
}

/* name = the absolute path of file in dir, quoted; nothing when file is "". */
static int file_in(struct tmpl_ctx *c, const char *name, const char *dir, const char *file,
                   ri_err *e) {
    char abs[PATH_MAX], full[PATH_MAX];
    int rc;
    if (!file[0]) return 0;
    if ((rc = fs_absolute(dir, abs, sizeof abs, e)) ||
        (rc = fs_join(full, sizeof full, abs, file, e)))
        return rc;
    return quoted(c, name, full, e);
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
    int rc;
    if ((rc = file_in(it, "cert", s->tls_dir, s->tls_cert, e)) ||
        (rc = file_in(it, "key", s->tls_dir, s->tls_key, e)) ||
        (rc = file_in(it, "ca", s->tls_dir, s->tls_ca, e)) ||
        (rc = file_in(it, "client_cert", s->tls_dir, s->tls_client_cert, e)) ||
        (rc = file_in(it, "client_key", s->tls_dir, s->tls_client_key, e)) ||
        (rc = quoted(it, "protocols", s->tls_protocols, e)))
        return rc;
    if (s->tls_ciphers[0] && (rc = quoted(it, "ciphers", s->tls_ciphers, e))) return rc;
    if (s->tls_ciphersuites[0] && (rc = quoted(it, "ciphersuites", s->tls_ciphersuites, e)))
        return rc;
    return 0;
}
