/* tlsboot.c: TLS at the start of a command (see tlsboot.h). */
#include "engine/tlsboot.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/fsutil.h"
#include "base/log.h"
#include "net/certs.h"
#include "net/tls.h"

int tlsboot_paths(const struct settings *s, struct tls_paths *p, ri_err *e) {
    char dir[PATH_MAX];
    int rc;
    if ((rc = fs_absolute(s->tls_dir, dir, sizeof dir, e)) ||
        (rc = fs_join(p->cert, sizeof p->cert, dir, s->tls_cert, e)) ||
        (rc = fs_join(p->key, sizeof p->key, dir, s->tls_key, e)) ||
        (rc = fs_join(p->ca, sizeof p->ca, dir, s->tls_ca, e)))
        return rc;
    /* Without its own pair, the server's certificate is also the client's. */
    const char *cc = s->tls_client_cert[0] ? s->tls_client_cert : s->tls_cert;
    const char *ck = s->tls_client_key[0] ? s->tls_client_key : s->tls_key;
    if ((rc = fs_join(p->ccert, sizeof p->ccert, dir, cc, e)) ||
        (rc = fs_join(p->ckey, sizeof p->ckey, dir, ck, e)))
        return rc;
    return 0;
}

static int refuse_own_mounts(const struct tls_paths *p, ri_err *e) {
    const char *files[] = {p->cert, p->key, p->ca, p->ccert, p->ckey};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (certs_is_own_mount(files[i]))
            return ri_fail(e, EX_CONFIG,
                           "tls: %s: a mount of its own (a subPath mount?): it is never updated "
                           "in place, so a rotated certificate would never arrive; mount the "
                           "Secret as a directory at [tls] dir",
                           files[i]);
    return 0;
}

/* The first expiry of the server and client pairs, warned about. */
static void warn_expiry(const struct settings *s, const struct tls_paths *p, long days) {
    if (days >= s->tls_expiry_warning_days) return;
    char d[24], lim[24];
    log_warn("tls: the certificate expires soon; rotate it (docs/tls.md)", "file", p->cert,
             "days_left", log_int(d, (int)days), "expiry_warning",
             log_int(lim, s->tls_expiry_warning_days), NULL);
}

static int check_names(const struct settings *s, const struct tls_paths *p,
                       const struct tls_names *names, int client_only, ri_err *e) {
    struct certs_want w = {.cert = p->cert, .key = p->key, .ca = p->ca, .now = time(NULL)};
    w.client_auth = s->tls_auth == 2;
    w.client_only = client_only;
    for (int i = 0; i < names->n; i++) w.names[w.n_names++] = names->name[i];
    long days = 0;
    int rc = certs_check(&w, &days, e);
    if (!rc && s->tls_client_cert[0] && !client_only) {
        struct certs_want c = {.cert = p->ccert, .key = p->ckey, .ca = p->ca, .now = w.now};
        long cdays = 0;
        rc = certs_check(&c, &cdays, e);
        if (cdays < days) days = cdays;
    }
    if (!rc) warn_expiry(s, p, days);
    return rc;
}

int tlsboot_check(const struct settings *s, const struct tls_paths *p, const char *own, ri_err *e) {
    struct tls_names n = {.n = own[0] != '\0'};
    if (n.n) snprintf(n.name[0], sizeof n.name[0], "%s", own);
    return check_names(s, p, &n, 0, e);
}

int tlsboot_names(const struct settings *s, enum tls_role role, struct tls_names *out, ri_err *e) {
    memset(out, 0, sizeof *out);
    switch (role) {
    case TLS_CLIENT: return 0;
    case TLS_SERVER:
    case TLS_SENTINEL:
        if (s->ordinal < 0) return 0;
        out->n = 1;
        return settings_own_host(s, role == TLS_SENTINEL, out->name[0], sizeof out->name[0], e);
    case TLS_ROUTER: break;
    }
    /* What clients and Webdis dial: [router] host when set (compose), else
     * the Service's name. */
    int n = s->router_host[0] ? snprintf(out->name[0], sizeof out->name[0], "%s", s->router_host)
                              : snprintf(out->name[0], sizeof out->name[0], "%s.%s.svc.%s",
                                         s->router_service, s->namespace_, s->domain);
    if (n < 0 || (size_t)n >= sizeof out->name[0]) /* a DNS name: 253 at most */
        return ri_fail(e, EX_CONFIG, "[router] service: the router's name %s.%s.svc.%s is too long",
                       s->router_service, s->namespace_, s->domain);
    out->n = 1;
    return 0;
}

int tlsboot_check_role(const struct settings *s, enum tls_role role, const struct tls_paths *p,
                       ri_err *e) {
    struct tls_names n;
    int rc = tlsboot_names(s, role, &n, e);
    return rc ? rc : check_names(s, p, &n, role == TLS_CLIENT, e);
}

int tlsboot_start(const struct settings *s, enum tls_role role, int flags, ri_err *e) {
    int check_files = (flags & TLSBOOT_CHECK) != 0;
    struct tls_paths p;
    struct tls_names n;
    int rc;
    if (s->tls == TLS_OFF) return 0;
    if ((rc = tlsboot_paths(s, &p, e)) || (rc = refuse_own_mounts(&p, e))) return rc;
    if ((rc = tlsboot_names(s, role, &n, e))) return rc;
    if (check_files && (rc = check_names(s, &p, &n, role == TLS_CLIENT, e))) return rc;
    struct tls_files f = {.cert = p.cert,
                          .key = p.key,
                          .client_cert = p.ccert,
                          .client_key = p.ckey,
                          .ca = p.ca,
                          .protocols = s->tls_protocols,
                          .ciphers = s->tls_ciphers,
                          .ciphersuites = s->tls_ciphersuites,
                          .own_name = n.name[0],
                          .require_client_certs = s->tls_auth,
                          /* render and run answer on the port while deciding (the beacon) */
                          .serve = check_files && role <= TLS_SENTINEL,
                          .background = (flags & TLSBOOT_BACKGROUND) != 0};
    return tls_setup(&f, e);
}
