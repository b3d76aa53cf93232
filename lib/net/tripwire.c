/* tripwire.c: see tripwire.h. */
#include "net/tripwire.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/info.h"
#include "net/session.h"

struct tripwire {
    redisContext *c;
};

struct tripwire *tripwire_open(const char *host, int port, const char *user, const char *pass,
                               int timeout_ms, ri_err *e) {
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    char why[160];
    redisContext *c = session_connect(host, port, timeout_ms, why, sizeof why);
    if (!c) {
        ri_fail(e, EX_UNAVAILABLE, "tripwire: %s:%d: %s", host, port, why);
        return NULL;
    }
    redisSetTimeout(c, tv);
    redisReply *r = redisCommand(c, "AUTH %b %b", user, strlen(user), pass, strlen(pass));
    int ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "OK") == 0;
    if (!ok)
        ri_fail(e, EX_UNAVAILABLE, "tripwire: AUTH as %s: %s", user,
                !r                             ? c->errstr
                : r->type == REDIS_REPLY_ERROR ? r->str
                                               : "unexpected reply");
    if (r) freeReplyObject(r);
    struct tripwire *t = ok ? malloc(sizeof *t) : NULL;
    if (!t) {
        if (ok) ri_fail(e, EX_OSERR, "tripwire: out of memory");
        redisFree(c);
        return NULL;
    }
    t->c = c;
    return t;
}

int tripwire_fd(const struct tripwire *t) { return t->c->fd; }

int tripwire_tripped(const struct tripwire *t) {
    char b;
    ssize_t n = recv(t->c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
}

int tripwire_info(struct tripwire *t, struct redis_obs *r) {
    redisReply *rep[2] = {NULL, NULL};
    int ok = redisAppendCommand(t->c, "INFO replication") == REDIS_OK &&
             redisAppendCommand(t->c, "INFO persistence") == REDIS_OK;
    for (int i = 0; ok && i < 2; i++)
        ok = redisGetReply(t->c, (void **)&rep[i]) == REDIS_OK && rep[i] && session_is_text(rep[i]);
    if (ok) ok = info_parse_replication(rep[0]->str, r) == 0;
    if (ok) r->loading = info_parse_loading(rep[1]->str);
    for (int i = 0; i < 2; i++)
        if (rep[i]) freeReplyObject(rep[i]);
    return ok ? 0 : -1;
}

void tripwire_close(struct tripwire *t) {
    if (!t) return;
    redisFree(t->c);
    free(t);
}
