/* router.h: the master router in front of the cluster (docs/connecting.md).
 *
 *  - router_render() writes into the conf dir: haproxy.cfg (0600), the
 *    health check router-check (0700, a two-line sh wrapper) and
 *    router-check.ini (0600, the non-secret settings the check needs:
 *    HAProxy runs it with an empty environment). No credential is written
 *    anywhere: the check reads the secrets file itself.
 *  - router_check() is that check, for the server HAProxy names (name is
 *    "<redis-service>-<N>", addr and port where it routes): it probes the
 *    address and every sentinel (one round, bounded by probe-timeout) and
 *    returns 0 only when router_verdict() (rules/router.h) says route
 *    (role:master and named by a majority of the sentinels), else
 *    EX_UNAVAILABLE; EX_USAGE when the names are not HAProxy's.
 */
#ifndef RI_ENGINE_ROUTER_H
#define RI_ENGINE_ROUTER_H

#include <limits.h>

#include "base/buf.h"
#include "base/template.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "engine/tlsboot.h"

/* With [tls] mode on or dual (router_tls.c, docs/tls.md "The router"):
 * HAProxy terminates TLS with router.pem and speaks TLS to the servers,
 * verifying their names, with router-client.pem; both are written 0600
 * into the conf dir, beside haproxy.sock, its runtime API. */
struct router_tls {
    char crt[PATH_MAX], client[PATH_MAX], sock[PATH_MAX];
    struct tls_paths p; /* the mounted files they are made of */
};
int router_tls_paths(const struct settings *s, struct router_tls *t, ri_err *e);
/* The template's bind_ssl, tls (the socket) and plain (mode dual) parts. */
int router_tls_context(struct tmpl_ctx *c, const struct settings *s, const struct router_tls *t,
                       ri_err *e);
/* A server item's ssl part: verify fqdn, present the client pair. */
int router_tls_server(struct tmpl_ctx *item, const struct settings *s, const struct router_tls *t,
                      const char *fqdn, ri_err *e);
/* router.pem and router-client.pem's content from the mounted files. */
int router_tls_pems(const struct router_tls *t, struct buf *crt, struct buf *client, ri_err *e);
/* A renewed certificate into a running HAProxy: both files rewritten,
 * then those asked for set and committed through the runtime API (no
 * reload, no connection dropped). Checked by the caller. Never the CA
 * bundle: HAProxy 2.6 crashes on a second `commit ssl ca-file` once a
 * certificate was committed after the first (found by testing; Debian's
 * 2.6.12), so a new bundle needs HAProxy restarted (agent/rotate_app.c). */
int router_tls_apply(const struct settings *s, const struct router_tls *t, int push_crt,
                     int push_client, ri_err *e);

int router_render(const struct settings *s, ri_err *e);
int router_check(const struct settings *s, const struct secrets *sec, const char *name,
                 const char *addr, const char *port, ri_err *e);

#endif
