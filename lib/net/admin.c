/* admin.c: the writes (see admin.h). Each is one session (session.h)
 * whose one command must answer +OK. */
#include "net/admin.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "net/session.h"

/* "+OK", or a status that starts with it ("OK Already connected to specified master"). */
static enum outcome fill_ok(struct session *s, void *obs, redisReply **rep) {
    (void)obs;
    if (rep[0]->type == REDIS_REPLY_STATUS && rep[0]->str && strncmp(rep[0]->str, "OK", 2) == 0)
        return OUT_ANSWER;
    session_detail(s, "query: unexpected reply (type %d)", rep[0]->type);
    return OUT_ERROR;
}

int admin_call(const struct admin_conn *c, int argc, const char **argv, const char *what,
               char err_code[32], ri_err *e) {
    struct peer_common p = {.port = c->port};
    char code[32] = "";
    snprintf(p.host, sizeof p.host, "%s", c->host ? c->host : "");
    session_converse(&p, mono_ms(), c->timeout_ms, c->user, c->pass, NULL, 1, &argv, &argc, fill_ok,
                     NULL, code);
    if (err_code) memcpy(err_code, code, sizeof code);
    if (p.outcome == OUT_ANSWER) return 0;
    return ri_fail(e, EX_UNAVAILABLE, "%s on %.200s:%d: %s: %s", what, p.host, c->port,
                   outcome_name(p.outcome), p.detail);
}

int admin_failover(const struct admin_conn *c, const char *master_name, char err_code[32],
                   ri_err *e) {
    const char *argv[3] = {"SENTINEL", "FAILOVER", master_name ? master_name : ""};
    return admin_call(c, 3, argv, "SENTINEL FAILOVER", err_code, e);
}

int admin_promote(const struct admin_conn *c, ri_err *e) {
    const char *argv[3] = {"REPLICAOF", "NO", "ONE"};
    return admin_call(c, 3, argv, "REPLICAOF NO ONE", NULL, e);
}

int admin_follow(const struct admin_conn *c, const char *host, int port, ri_err *e) {
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    const char *argv[3] = {"REPLICAOF", host, p};
    return admin_call(c, 3, argv, "REPLICAOF", NULL, e);
}

int admin_pause_writes(const struct admin_conn *c, int ms, ri_err *e) {
    char t[16];
    snprintf(t, sizeof t, "%d", ms);
    const char *argv[4] = {"CLIENT", "PAUSE", t, "WRITE"};
    return admin_call(c, 4, argv, "CLIENT PAUSE", NULL, e);
}

int admin_unpause(const struct admin_conn *c, ri_err *e) {
    const char *argv[2] = {"CLIENT", "UNPAUSE"};
    return admin_call(c, 2, argv, "CLIENT UNPAUSE", NULL, e);
}

/* ACL DELUSER answers the number of users deleted. */
static enum outcome fill_int(struct session *s, void *obs, redisReply **rep) {
    (void)obs;
    if (rep[0]->type == REDIS_REPLY_INTEGER) return OUT_ANSWER;
    session_detail(s, "query: unexpected reply (type %d)", rep[0]->type);
    return OUT_ERROR;
}

int admin_deluser(const struct admin_conn *c, const char *user, ri_err *e) {
    const char *argv[3] = {"ACL", "DELUSER", user};
    int argc = 3;
    const char **av = argv;
    struct peer_common p = {.port = c->port};
    snprintf(p.host, sizeof p.host, "%s", c->host ? c->host : "");
    session_converse(&p, mono_ms(), c->timeout_ms, c->user, c->pass, NULL, 1, &av, &argc, fill_int,
                     NULL, NULL);
    if (p.outcome == OUT_ANSWER) return 0;
    return ri_fail(e, EX_UNAVAILABLE, "ACL DELUSER on %.200s:%d: %s: %s", p.host, c->port,
                   outcome_name(p.outcome), p.detail);
}
