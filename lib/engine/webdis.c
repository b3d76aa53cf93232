/* webdis.c: webdis.json from settings + secrets (see webdis.h). */
#include "engine/webdis.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/log.h"
#include "config/acl.h"
#include "engine/render.h"
#include "engine/tlsboot.h"

/* ["GET", "SET", ...] from WEBDIS_COMMANDS. */
static json_t *allowed_commands(void) {
    static const char cmds[] = WEBDIS_COMMANDS;
    json_t *a = json_array();
    for (const char *p = cmds; a && *p;) {
        size_t n = strcspn(p, " ");
        if (json_array_append_new(a, json_stringn(p, n))) {
            json_decref(a);
            return NULL;
        }
        p += n + (p[n] == ' ');
    }
    return a;
}

static json_t *webdis_doc(const struct settings *s, const char *host, const char *user,
                          const char *pass) {
    json_t *allow = allowed_commands();
    if (!allow) return NULL;
    /* Webdis applies every matching rule in order, the last one wins:
     * everything off, then the allow-list on. */
    return json_pack(
        "{s:s, s:i, s:[s,s], s:i, s:s, s:i, s:i, s:i, s:b, s:b, s:i, s:s, s:[{s:[s]}, {s:o}]}",
        "redis_host", host, "redis_port", s->redis_port, "redis_auth", user, pass, "database", 0,
        "http_host", "0.0.0.0", "http_port", s->webdis_port, "threads", 2, "pool_size", 10,
        "daemonize", 0, "websockets", 0, "verbosity", 3, "logfile", "/dev/stderr", "acl",
        "disabled", "*", "enabled", allow);
}

/* TLS to the router (docs/tls.md "Webdis"): Webdis verifies the chain
 * against the bundle and sends the router's name (SNI), but does not
 * check that name (hiredis's TLS does not); its client pair is ours. */
static int add_ssl(json_t *doc, const struct settings *s, const char *host, ri_err *e) {
    struct tls_paths p;
    int rc = tlsboot_paths(s, &p, e);
    if (rc) return rc;
    json_t *ssl = json_pack("{s:b, s:s, s:s, s:s, s:s}", "enabled", 1, "ca_cert_bundle", p.ca,
                            "client_cert", p.ccert, "client_key", p.ckey, "redis_sni", host);
    if (!ssl || json_object_set_new(doc, "ssl", ssl))
        return ri_fail(e, EX_OSERR, "out of memory building webdis.json");
    return 0;
}

int webdis_render(const struct settings *s, const struct secrets *sec, ri_err *e) {
    const char *user = WEBDIS_DEFAULT_USER, *pass;
    char dir[PATH_MAX];
    struct tls_names router;
    int rc = secrets_require(sec, SECRET_WEBDIS_PASS, &pass, e);
    if (rc) return ri_prefix(e, "redis-init webdis needs Webdis's own user");
    if (secrets_get(sec, SECRET_WEBDIS_USER, NULL) &&
        (rc = secrets_require_username(sec, SECRET_WEBDIS_USER, &user, e)))
        return rc;
    /* Webdis reads a value that starts with '$' as the name of an environment variable. */
    if (user[0] == '$' || pass[0] == '$')
        return ri_fail(e, EX_DATAERR,
                       "%s: key %s: starts with '$', which Webdis reads as an environment "
                       "variable name; choose one that does not",
                       secrets_origin(sec),
                       user[0] == '$' ? SECRET_WEBDIS_USER : SECRET_WEBDIS_PASS);
    /* [router] host (docker compose: the router's service name), else its
     * Kubernetes Service: the name its certificate carries. */
    if ((rc = tlsboot_names(s, TLS_ROUTER, &router, e))) return rc;
    const char *host = router.name[0];
    if ((rc = fs_absolute(s->conf_dir, dir, sizeof dir, e))) return rc;
    json_t *doc = webdis_doc(s, host, user, pass);
    if (doc && s->tls != TLS_OFF && (rc = add_ssl(doc, s, host, e))) {
        json_decref(doc);
        return rc;
    }
    rc = render_json_file(dir, "webdis.json", 0600, doc, e);
    if (!rc) log_info("wrote webdis.json", "dir", dir, "redis_host", host, "user", user, NULL);
    return rc;
}
