/* tlsboot.h: TLS at the start of a command (docs/tls.md).
 *
 * tlsboot_start() does nothing with [tls] mode = off. Otherwise it refuses
 * a certificate file that can never be updated in place (a mount of its
 * own, as a subPath mount is), checks the certificate for this pod when
 * asked (render and run: certs.h, before anything is written), warns when
 * it expires within [tls] expiry-warning days, and builds the contexts
 * every connection of ours then uses (tls.h), verifying loopback
 * connections against this pod's own name. Errors are EX_CONFIG (78).
 */
#ifndef RI_TLSBOOT_H
#define RI_TLSBOOT_H

#include <limits.h>

#include "base/err.h"
#include "config/settings.h"

/* Whose certificate the files hold: what it must name, and which name a
 * loopback connection verifies.
 *   TLS_SERVER, TLS_SENTINEL  this pod's FQDN;
 *   TLS_ROUTER                [router] host when set (compose), else the
 *                             router's Service FQDN: what clients and
 *                             Webdis dial;
 *   TLS_CLIENT                no name, no serverAuth: a client's (Webdis). */
enum tls_role { TLS_SERVER, TLS_SENTINEL, TLS_ROUTER, TLS_CLIENT };

/* flags: TLSBOOT_CHECK checks the certificate for this pod (render, run);
 * TLSBOOT_BACKGROUND builds the contexts on a thread while the command
 * starts its first round (a command that only observes: tls.h tls_ready,
 * which that round returns). */
enum { TLSBOOT_CHECK = 1, TLSBOOT_BACKGROUND = 2 };
int tlsboot_start(const struct settings *s, enum tls_role role, int flags, ri_err *e);

/* The absolute paths of [tls]'s files; the client pair is the server's
 * when client-cert is empty. */
struct tls_paths {
    char cert[PATH_MAX], key[PATH_MAX], ca[PATH_MAX], ccert[PATH_MAX], ckey[PATH_MAX];
};
int tlsboot_paths(const struct settings *s, struct tls_paths *p, ri_err *e);

/* Check the certificate for this pod (certs.h) and warn when it expires
 * soon: what tlsboot_start() does at boot, and the agent before it applies
 * a renewed one. */
int tlsboot_check(const struct settings *s, const struct tls_paths *p, const char *own, ri_err *e);

/* The names role's certificate must cover; the first is the one a
 * loopback connection verifies. n = 0 for TLS_CLIENT. TLS_ROUTER's is
 * also where Webdis connects (engine/webdis.c). */
struct tls_names {
    char name[2][SET_HOST_MAX];
    int n;
};
int tlsboot_names(const struct settings *s, enum tls_role role, struct tls_names *out, ri_err *e);

/* tlsboot_check() for a role (the router's names, a client's certificate). */
int tlsboot_check_role(const struct settings *s, enum tls_role role, const struct tls_paths *p,
                       ri_err *e);

#endif
