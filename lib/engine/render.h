/* render.h: from settings + secrets + a role to the files' bytes.
 *
 * Contract:
 *  - settings must have passed settings_finish(): values are not re-checked.
 *  - Pure with respect to its inputs: the same settings, secrets and role
 *    give byte-identical files (no time stamps, no randomness). Templates
 *    come from settings.templates_dir when it has the file, else built in.
 *  - Secrets reach the files only hashed (users.acl) or quoted with
 *    conf_quote() (masterauth, auth-pass, sentinel-pass); a value that
 *    cannot be represented is rejected naming its key (EX_DATAERR).
 *  - render_commit() writes all files atomically (fsutil): secrets-bearing
 *    files are 0600. Nothing is written when rendering failed.
 */
#ifndef RI_RENDER_H
#define RI_RENDER_H

#include "base/fsutil.h"
#include "base/template.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "rules/decision.h"

/* The role to write: ACT_MASTER, ACT_FOLLOW (host:port) for redis-init;
 * ACT_MONITOR (host:port) for sentinel-init. rule names the decision rule or
 * "override" for --master / --replica-of / --monitor. */
struct role_target {
    enum action action;
    char host[OBS_HOST_MAX];
    int port;
    const char *rule;
};

#define RENDER_MAX_FILES 2

struct rendered {
    int n;
    struct out_file files[RENDER_MAX_FILES];
    struct buf bufs[RENDER_MAX_FILES];
};

/* cs: this pod's record of a live credential rotation (config/credstate.h),
 * NULL when none. In its accept and use phases users.acl gives each
 * changed user its old password hash beside the new one; in accept the
 * outbound passwords (masterauth, auth-pass, sentinel-pass) are still the
 * old generation's; any phase adds the marker user (model/credentials.h).
 * Without cs (or with no generation in it) the files are as before. */
struct creds_state;
int render_redis(const struct settings *s, const struct secrets *sec, const struct creds_state *cs,
                 const struct role_target *role, struct rendered *out, ri_err *e);
int render_sentinel(const struct settings *s, const struct secrets *sec,
                    const struct creds_state *cs, const struct role_target *role,
                    struct rendered *out, ri_err *e);

/* users.acl alone (the agent rewrites it during a rotation): out gets one
 * file, as render_redis / render_sentinel would write it, its data
 * NUL-terminated (the NUL not counted). */
int render_acl_file(const struct settings *s, const struct secrets *sec,
                    const struct creds_state *cs, int sentinel, struct rendered *out, ri_err *e);

/* Render template `name` (settings.templates_dir/<name>.tmpl first, else
 * the built-in one) into out. */
int render_template(const struct settings *s, const char *name, const struct tmpl_ctx *c,
                    struct buf *out, ri_err *e);

/* The users of users.acl (render_acl.c), as the "users" items of acl:
 * a server's (sentinel 0) or a sentinel's. EX_DATAERR naming the key when
 * a secret is missing or a user name serves two roles. */
int render_acl_users(struct tmpl_ctx *acl, const struct settings *s, const struct secrets *sec,
                     const struct creds_state *cs, int sentinel, ri_err *e);

/* The "tls" section of redis.conf / sentinel.conf (render_tls.c): one item
 * when [tls] mode is on or dual, none when off. */
int render_tls_context(struct tmpl_ctx *c, const struct settings *s, int sentinel, ri_err *e);

/* Set template variable name to quote(val): conf_quote, haproxy_quote,
 * sh_quote... The scratch copy is wiped (val may be a secret). EX_CONFIG
 * when val cannot be quoted. */
typedef int (*render_quote_fn)(const char *in, size_t len, char *out, size_t outlen);
int render_set_quoted(struct tmpl_ctx *c, const char *name, render_quote_fn quote, const char *val,
                      ri_err *e);

/* Write the rendered files into settings.conf_dir. */
int render_commit(const struct settings *s, const struct rendered *r, ri_err *e);

/* A JSON document that may hold a secret (webdis.json, the exporter's
 * passwords.json) as the file dir/name of mode, written atomically, two
 * spaces of indent, keys in insertion order. doc is taken (freed here);
 * the text is wiped (jansson's own copies are not: they stay in freed heap
 * until reused). EX_OSERR when doc is NULL (out of memory). */
struct json_t;
int render_json_file(const char *dir, const char *name, mode_t mode, struct json_t *doc, ri_err *e);

void rendered_init(struct rendered *r);
/* The next of out->bufs becomes file name. */
int rendered_add_file(struct rendered *r, const char *name, mode_t mode);
void rendered_free(struct rendered *r);

/* The 40-hex-digit sentinel myid derived from the pod's host name. */
void render_sentinel_myid(const char *own_host, char out[41]);

#endif
