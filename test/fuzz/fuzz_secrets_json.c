/* fuzz_secrets_json: secrets_parse_json() on arbitrary bytes. Must never
 * crash or leak; on success every value is NUL-free and its reported length
 * matches; on failure the code is EX_DATAERR and the message one line.
 * The accessors run on whatever loaded. abort() on a broken invariant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {
    SECRET_REPLICA_USER,
    SECRET_REPLICA_PASS,
    SECRET_SENTINEL_USER,
    SECRET_SENTINEL_PASS,
    SECRET_SYNC_USER,
    SECRET_SYNC_PASS,
    SECRET_ADMIN_USER,
    SECRET_ADMIN_PASS,
    SECRET_SERVICE_USER,
    SECRET_SERVICE_PASS,
    SECRET_DEFAULT_PASS,
    SECRET_PROBE_USER,
    SECRET_PROBE_PASS,
    "A",
    "data",
    "P",
};

static void check_msg(const ri_err *e, int rc) {
    if (rc != e->code || !memchr(e->msg, '\0', sizeof e->msg) || strchr(e->msg, '\n')) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct secrets *s = NULL;
    ri_err e = {0};
    int rc = secrets_parse_json(&s, (const char *)data, size, "config.json", &e);
    if (rc) {
        if (s || rc != EX_DATAERR) abort();
        check_msg(&e, rc);
        return 0;
    }
    if (!s) abort();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t len = 0;
        const char *v = secrets_get(s, keys[i], &len);
        if (v && strlen(v) != len) abort();
        const char *r = NULL;
        ri_err e2 = {0};
        int rc2 = secrets_require(s, keys[i], &r, &e2);
        if (rc2) check_msg(&e2, rc2);
        else if (r != v || len == 0) abort();
        rc2 = secrets_require_username(s, keys[i], &r, &e2);
        if (rc2) check_msg(&e2, rc2);
    }
    char user[64], pass[65];
    ri_err e3 = {0};
    int rc3 = secrets_probe_credentials(s, user, sizeof user, pass, sizeof pass, &e3);
    if (rc3) check_msg(&e3, rc3);
    else if (!user[0] || !pass[0] || strlen(user) >= sizeof user) abort();
    secrets_free(s);
    return 0;
}
