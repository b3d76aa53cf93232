/* exporter.c: the exporter's password file (see exporter.h), written as
 * webdis.json is (render_json_file). */
#include "engine/exporter.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/render.h"

/* The file's JSON in *out (NULL when there is nothing to write). */
static int exporter_doc(const struct settings *s, const struct secrets *sec, int is_sentinel,
                        json_t **out, ri_err *e) {
    *out = NULL;
    if (!s->exporter_dir[0]) return 0;
    const char *pass = secrets_get(sec, SECRET_EXPORTER_PASS, NULL);
    if (!pass || !*pass)
        return ri_fail(e, EX_CONFIG,
                       "[metrics] exporter-dir is set, but the secrets have no %s for the "
                       "exporter's user",
                       SECRET_EXPORTER_PASS);
    /* The sidecar names its user itself (REDIS_USER, a second copy of the
     * name): a different one would log in with this password and fail. */
    const char *user = secrets_get(sec, SECRET_EXPORTER_USER, NULL);
    if (!user || !*user) user = EXPORTER_DEFAULT_USER;
    if (s->exporter_user[0] && strcmp(s->exporter_user, user) != 0)
        return ri_fail(e, EX_CONFIG,
                       "[metrics] exporter-user is '%s' (the sidecar's REDIS_USER), but %s: key "
                       "%s is '%s': make them the same",
                       s->exporter_user, secrets_origin(sec), SECRET_EXPORTER_USER, user);
    char fqdn[SET_HOST_MAX];
    int rc = settings_own_host(s, is_sentinel, fqdn, sizeof fqdn, e);
    if (rc) return rc;
    /* One string shared by every key; JSON holds text only. */
    json_t *pw = json_string(pass), *doc = json_object();
    if (!pw) {
        json_decref(doc);
        return ri_fail(e, EX_DATAERR, "%s: key %s: not valid UTF-8, which %s (JSON) cannot hold",
                       secrets_origin(sec), SECRET_EXPORTER_PASS, EXPORTER_FILE);
    }
    const char *hosts[] = {"localhost", fqdn}, *schemes[] = {"redis", "rediss"};
    int port = is_sentinel ? s->sentinel_port : s->redis_port;
    for (int h = 0; h < 2 && doc; h++)
        for (int k = 0; k < 2 && doc; k++) {
            char uri[300];
            if ((k == 0 && s->tls == TLS_ON) || (k == 1 && s->tls == TLS_OFF)) continue;
            snprintf(uri, sizeof uri, "%s://%s:%d", schemes[k], hosts[h], port);
            if (json_object_set(doc, uri, pw)) {
                json_decref(doc);
                doc = NULL;
            }
        }
    json_decref(pw);
    if (!doc) return ri_fail(e, EX_OSERR, "out of memory");
    *out = doc;
    return 0;
}

int exporter_check(const struct settings *s, const struct secrets *sec, int is_sentinel,
                   ri_err *e) {
    json_t *doc;
    int rc = exporter_doc(s, sec, is_sentinel, &doc, e);
    json_decref(doc);
    return rc;
}

int exporter_write(const struct settings *s, const struct secrets *sec, int is_sentinel,
                   ri_err *e) {
    json_t *doc;
    int rc = exporter_doc(s, sec, is_sentinel, &doc, e);
    if (rc || !doc) return rc;
    rc = render_json_file(s->exporter_dir, EXPORTER_FILE, 0400, doc, e);
    if (rc) return ri_prefix(e, "[metrics] exporter-dir");
    log_info("wrote the exporter's password file", "file", EXPORTER_FILE, "dir", s->exporter_dir,
             NULL);
    return 0;
}
