/* secrets.h: credentials from one input, in one of three formats:
 *   (a) a JSON file of the bash boot scripts' format {"data": {...}}, with // and
 *       block comments and trailing commas accepted (users paste that block);
 *   (b) a flat JSON object with the same keys;
 *   (c) a directory with one file per key (a mounted Kubernetes Secret):
 *       file name = key, content = value; one trailing "\n" (or "\r\n") is
 *       removed; dot-files and subdirectories (..data, ..2024_...) are skipped.
 *
 * Contract:
 *  - Values are byte strings without NUL (jansson is asked to allow \u0000 so
 *    that we can reject it with a message naming the key, not a parse error).
 *  - Errors: malformed JSON -> EX_DATAERR with "path:line:col: reason";
 *    unreadable path -> EX_NOINPUT; a non-string value -> EX_DATAERR naming
 *    the key. Messages never contain a value.
 *  - secrets_free() wipes every value before freeing it.
 */
#ifndef RI_SECRETS_H
#define RI_SECRETS_H

#include <stddef.h>

#include "base/err.h"

/* The keys of that config.json (docs/configuration.md, "Secrets"). */
#define SECRET_REPLICA_USER  "REPLICA_USERNAME"
#define SECRET_REPLICA_PASS  "REPLICA_PASSWORD"
#define SECRET_SENTINEL_USER "SENTINEL_USERNAME"
#define SECRET_SENTINEL_PASS "SENTINEL_PASSWORD"
#define SECRET_SYNC_USER     "SENTINEL_SYNC_USERNAME"
#define SECRET_SYNC_PASS     "SENTINEL_SYNC_PASSWORD"
#define SECRET_ADMIN_USER    "ADMIN_USERNAME"
#define SECRET_ADMIN_PASS    "ADMIN_PASSWORD"
#define SECRET_SERVICE_USER  "SERVICE_USERNAME"
#define SECRET_SERVICE_PASS  "SERVICE_PASSWORD"
#define SECRET_DEFAULT_PASS  "DEFAULT_USER_PASS"
/* Optional: the least-privilege user redis-init probes redis pods with
 * (INFO, PING only). Defaults: name "redis-init-probe", password derived from
 * ADMIN_PASSWORD (see secrets_probe_credentials). */
#define SECRET_PROBE_USER "PROBE_USERNAME"
#define SECRET_PROBE_PASS "PROBE_PASSWORD"

/* Optional: Webdis's user on redis pods, created only when WEBDIS_PASSWORD
 * is set (WEBDIS_USERNAME defaults to "webdis"); `redis-init webdis` needs
 * it. */
#define SECRET_WEBDIS_USER  "WEBDIS_USERNAME"
#define SECRET_WEBDIS_PASS  "WEBDIS_PASSWORD"
#define WEBDIS_DEFAULT_USER "webdis"

/* Optional: the redis_exporter sidecar's user on servers and sentinels
 * (docs/observability.md), created only when EXPORTER_PASSWORD is set
 * (EXPORTER_USERNAME defaults to "exporter"). */
#define SECRET_EXPORTER_USER  "EXPORTER_USERNAME"
#define SECRET_EXPORTER_PASS  "EXPORTER_PASSWORD"
#define EXPORTER_DEFAULT_USER "exporter"

struct secrets;

/* Load from a path: a directory -> format (c), a file -> JSON (a) or (b). */
int secrets_load(struct secrets **out, const char *path, ri_err *e);

/* Parse JSON text; origin is the name used in messages (usually the path). */
int secrets_parse_json(struct secrets **out, const char *text, size_t len, const char *origin,
                       ri_err *e);

/* The value of key or NULL. *len (optional) gets its length. */
const char *secrets_get(const struct secrets *s, const char *key, size_t *len);

/* Like secrets_get but a missing or empty value is an error (EX_DATAERR):
 * "<origin>: key REPLICA_PASSWORD: missing" / "...: empty". */
int secrets_require(const struct secrets *s, const char *key, const char **val, ri_err *e);

/* A user name must be 1..64 bytes of printable ASCII without space, because
 * ACL files split on spaces. Returns EX_DATAERR naming the key otherwise. */
int secrets_require_username(const struct secrets *s, const char *key, const char **val, ri_err *e);

/* Probe user: PROBE_USERNAME / PROBE_PASSWORD when given, else the defaults.
 * The derived password is hex(HMAC-SHA256(key = ADMIN_PASSWORD,
 * "redis-init probe v1")): every pod computes the same one. user and pass
 * must hold SET_NAME_MAX and 65 bytes; pass may also be longer if given. */
int secrets_probe_credentials(const struct secrets *s, char *user, size_t userlen, char *pass,
                              size_t passlen, ri_err *e);

/* The user the agent reloads the server's certificate with (docs/tls.md):
 * SECRET_RELOAD_USER, password hex(HMAC-SHA256(key = ADMIN_PASSWORD,
 * "redis-init tls-reload v1")), the same on every pod; pass holds 65 bytes.
 * It only ever lives in users.acl (hashed) and the agent's memory. */
#define SECRET_RELOAD_USER "redis-init-reload"
int secrets_reload_password(const struct secrets *s, char pass[65], ri_err *e);

/* key's value becomes a copy of val (added when missing); 0 or EX_OSERR. */
int secrets_set(struct secrets *s, const char *key, const char *val, ri_err *e);

/* A copy (every value copied), or NULL with EX_OSERR. */
struct secrets *secrets_dup(const struct secrets *s, ri_err *e);

/* Where it came from, for messages. */
const char *secrets_origin(const struct secrets *s);

void secrets_free(struct secrets *s);

#endif
