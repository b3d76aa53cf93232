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

#include "base/err.h"
#include "config/settings.h"

int tlsboot_start(const struct settings *s, int is_sentinel, int check_files, ri_err *e);

#endif
