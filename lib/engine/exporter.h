/* exporter.h: the redis_exporter sidecar's password file
 * (docs/observability.md): with [metrics] exporter-dir set and
 * EXPORTER_PASSWORD in the secrets, `render` and `run` write
 * <exporter-dir>/passwords.json (0400, atomically): the JSON map from the
 * URIs the exporter may be pointed at to the password,
 *
 *   {"redis://localhost:6379": "...", "redis://<pod FQDN>:6379": "..."}
 *
 * (rediss:// with TLS, both schemes in dual mode; the sentinel port in a
 * sentinel pod). The sidecar reads it through REDIS_PASSWORD_FILE, a path:
 * the password is never on its argv or in a literal environment value. */
#ifndef RI_EXPORTER_H
#define RI_EXPORTER_H

#include "config/secrets.h"
#include "config/settings.h"

#define EXPORTER_FILE "passwords.json" /* in [metrics] exporter-dir */

/* 0 (also when there is nothing to write), or a sysexits code: EX_CONFIG
 * when exporter-dir is set but EXPORTER_PASSWORD is not; EX_CANTCREAT or
 * EX_IOERR from the write, every existing file left as it was. */
int exporter_write(const struct settings *s, const struct secrets *sec, int is_sentinel, ri_err *e);
/* The same checks, nothing written (a Secret changed live: agent/creds.c). */
int exporter_check(const struct settings *s, const struct secrets *sec, int is_sentinel, ri_err *e);

#endif
