/* aclget.c: see aclget.h. */
#include "net/aclget.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/sha256.h"
#include "model/credentials.h"
#include "net/session.h"

static const redisReply *field(const redisReply *r, const char *name) {
    for (size_t i = 0; i + 1 < r->elements; i += 2)
        if (session_is_text(r->element[i]) && strcmp(r->element[i]->str, name) == 0)
            return r->element[i + 1];
    return NULL;
}

/* A string field, or a list of strings joined by spaces (Redis 6.2). */
static int words(const redisReply *v, char *out, size_t outlen) {
    size_t at = 0;
    out[0] = '\0';
    if (session_is_text(v)) {
        if (v->len >= outlen) return -1;
        memcpy(out, v->str, v->len + 1);
        return 0;
    }
    if (v->type != REDIS_REPLY_ARRAY) return -1;
    for (size_t i = 0; i < v->elements; i++) {
        if (!session_is_text(v->element[i]) || at + v->element[i]->len + 2 > outlen) return -1;
        at += (size_t)snprintf(out + at, outlen - at, "%s%s", i ? " " : "", v->element[i]->str);
    }
    return 0;
}

int aclget_parse(const redisReply *r, struct aclget_user *u, char *channels, size_t chlen) {
    memset(u, 0, sizeof *u);
    if (channels && chlen) channels[0] = '\0';
    if (r->type == REDIS_REPLY_NIL) return 0;
    if (r->type != REDIS_REPLY_ARRAY && r->type != REDIS_REPLY_MAP) return -1;
    const redisReply *pw = field(r, "passwords"), *ch = field(r, "channels");
    if (!pw || (pw->type != REDIS_REPLY_ARRAY && pw->type != REDIS_REPLY_SET)) return -1;
    u->exists = 1;
    for (size_t i = 0; i < pw->elements; i++) {
        const redisReply *h = pw->element[i];
        if (!session_is_text(h) || h->len != 64) return -1;
        if (u->n == ACLGET_MAX_HASHES) {
            u->more = 1;
            continue;
        }
        memcpy(u->hashes[u->n++], h->str, 65);
    }
    if (channels && chlen && ch && words(ch, channels, chlen)) return -1;
    return 0;
}

int aclget_has(const struct aclget_user *u, const unsigned char hash[32]) {
    char hex[65];
    hex_encode(hash, 32, hex);
    for (int i = 0; i < u->n; i++)
        if (strcmp(u->hashes[i], hex) == 0) return 1;
    return 0;
}

static enum outcome fill(struct session *s, void *obs, redisReply **rep) {
    struct aclget_result *out = obs;
    struct aclget_user marker;
    if (aclget_parse(rep[0], &marker, out->channels, sizeof out->channels)) {
        session_detail(s, "query: ACL GETUSER %s: unexpected reply (type %d)", CREDS_MARKER_USER,
                       rep[0]->type);
        return OUT_ERROR;
    }
    out->marker = marker.exists;
    for (int i = 0; i < out->n; i++)
        if (aclget_parse(rep[i + 1], &out->users[i], NULL, 0)) {
            session_detail(s, "query: ACL GETUSER: unexpected reply (type %d)", rep[i + 1]->type);
            return OUT_ERROR;
        }
    return OUT_ANSWER;
}

void aclget(const char *host, int port, const char *user, const char *pass, int timeout_ms,
            const char *const *names, int n, struct aclget_result *out) {
    const char *argv[ACLGET_MAX_USERS + 1][3], **argvp[ACLGET_MAX_USERS + 1];
    int argc[ACLGET_MAX_USERS + 1];
    memset(out, 0, sizeof *out);
    snprintf(out->p.host, sizeof out->p.host, "%s", host);
    out->p.port = port;
    out->n = n < ACLGET_MAX_USERS ? n : ACLGET_MAX_USERS;
    for (int i = 0; i <= out->n; i++) {
        argv[i][0] = "ACL";
        argv[i][1] = "GETUSER";
        argv[i][2] = i ? names[i - 1] : CREDS_MARKER_USER;
        argvp[i] = argv[i];
        argc[i] = 3;
    }
    session_converse(&out->p, mono_ms(), timeout_ms, user, pass, NULL, out->n + 1, argvp, argc,
                     fill, out, NULL);
}
