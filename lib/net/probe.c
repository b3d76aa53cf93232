/* probe.c: the reads of a discovery round, of `check` and of `prestop`:
 * INFO of a redis pod, a sentinel's master address, PING, and a sentinel's
 * own view of the group (see probe.h). Each is one session (session.h). */
#include "net/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "net/info.h"

/* ---- redis pods ---- */

static enum outcome fill_redis(struct session *s, void *obs, redisReply **rep) {
    struct redis_obs *r = obs;
    for (int i = 0; i < 3; i++)
        if (!session_is_text(rep[i])) {
            session_detail(s, "query: INFO returned reply type %d", rep[i]->type);
            return OUT_ERROR;
        }
    if (info_parse_replication(rep[0]->str, r) != 0) {
        session_detail(s, "query: INFO replication has no role field");
        return OUT_ERROR;
    }
    r->loading = info_parse_loading(rep[1]->str);
    r->keys = info_parse_keys(rep[2]->str);
    return OUT_ANSWER;
}

void probe_clear_redis(struct redis_obs *r) {
    struct peer_common p = r->p;
    memset(r, 0, sizeof *r);
    r->p = p;
    peer_clear(&r->p);
    r->second_offset = -1;
}

void probe_clear_sentinel(struct sentinel_obs *so) {
    struct peer_common p = so->p;
    memset(so, 0, sizeof *so);
    so->p = p;
    peer_clear(&so->p);
}

void probe_redis_tracked(const struct probe_config *cfg, struct redis_obs *r, double t0,
                         const struct tracker *tr) {
    static const char *repl[] = {"INFO", "replication"}, *pers[] = {"INFO", "persistence"},
                      *keys[] = {"INFO", "keyspace"};
    const char **argv[3] = {repl, pers, keys};
    const int argc[3] = {2, 2, 2};
    probe_clear_redis(r);
    session_converse(&r->p, t0, cfg->timeout_ms, cfg->redis_user, cfg->redis_pass, tr, 3, argv,
                     argc, fill_redis, r, NULL);
}

void probe_redis(const struct probe_config *cfg, struct redis_obs *r) {
    probe_redis_tracked(cfg, r, mono_ms(), NULL);
}

/* ---- sentinels ---- */

static enum outcome fill_sentinel(struct session *s, void *obs, redisReply **reps) {
    struct sentinel_obs *so = obs;
    const redisReply *rep = reps[0];
    if (rep->type == REDIS_REPLY_NIL) {
        session_detail(s, "query: sentinel does not know this master group");
        return OUT_NIL_MASTER;
    }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 || !session_is_text(rep->element[0])) {
        session_detail(s, "query: unexpected reply to get-master-addr-by-name (type %d)",
                       rep->type);
        return OUT_ERROR;
    }
    const redisReply *h = rep->element[0], *pt = rep->element[1];
    long port = -1;
    if (session_is_text(pt)) {
        char *end;
        port = strtol(pt->str, &end, 10);
        if (end == pt->str || *end) port = -1;
    } else if (pt->type == REDIS_REPLY_INTEGER) {
        port = (long)pt->integer;
    }
    if (port <= 0 || port > 65535 || h->len == 0 || h->len >= sizeof so->master_host) {
        session_detail(s, "query: get-master-addr-by-name: bad address");
        return OUT_ERROR;
    }
    memcpy(so->master_host, h->str, h->len);
    so->master_host[h->len] = '\0';
    so->master_port = (int)port;
    return OUT_ANSWER;
}

void probe_sentinel_tracked(const struct probe_config *cfg, struct sentinel_obs *so, double t0,
                            const struct tracker *tr) {
    const char *av[3] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME",
                         cfg->master_name ? cfg->master_name : ""};
    const char **argv[1] = {av};
    const int argc[1] = {3};
    probe_clear_sentinel(so);
    session_converse(&so->p, t0, cfg->timeout_ms, cfg->sentinel_user, cfg->sentinel_pass, tr, 1,
                     argv, argc, fill_sentinel, so, NULL);
}

void probe_sentinel(const struct probe_config *cfg, struct sentinel_obs *s) {
    probe_sentinel_tracked(cfg, s, mono_ms(), NULL);
}

/* ---- lifecycle: liveness and the sentinel's own view ---- */

static enum outcome fill_pong(struct session *s, void *obs, redisReply **rep) {
    (void)obs;
    if (rep[0]->type == REDIS_REPLY_STATUS && rep[0]->str && strcmp(rep[0]->str, "PONG") == 0)
        return OUT_ANSWER;
    session_detail(s, "query: PING: unexpected reply (type %d)", rep[0]->type);
    return OUT_ERROR;
}

enum outcome probe_ping(struct peer_common *p, const char *user, const char *pass, int timeout_ms,
                        char err_code[32]) {
    static const char *av[] = {"PING"};
    const char **argv[1] = {av};
    const int argc[1] = {1};
    peer_clear(p);
    err_code[0] = '\0';
    session_converse(p, mono_ms(), timeout_ms, user, pass, NULL, 1, argv, argc, fill_pong, NULL,
                     err_code);
    return p->outcome;
}

static enum outcome fill_stats(struct session *s, void *obs, redisReply **rep) {
    if (!session_is_text(rep[0])) {
        session_detail(s, "query: INFO returned reply type %d", rep[0]->type);
        return OUT_ERROR;
    }
    info_parse_stats(rep[0]->str, obs);
    return OUT_ANSWER;
}

void probe_stats(struct server_stats *st, const char *user, const char *pass, int timeout_ms) {
    static const char *av[] = {"INFO", "clients", "replication", "errorstats"};
    const char **argv[1] = {av};
    const int argc[1] = {4};
    peer_clear(&st->p);
    info_parse_stats(NULL, st);
    session_converse(&st->p, mono_ms(), timeout_ms, user, pass, NULL, 1, argv, argc, fill_stats, st,
                     NULL);
}

static void copy_text(char *dst, size_t cap, const redisReply *r) {
    size_t n = r->len < cap - 1 ? r->len : cap - 1;
    memcpy(dst, r->str, n);
    dst[n] = '\0';
}

static long reply_long(const redisReply *r) {
    char buf[32], *end;
    copy_text(buf, sizeof buf, r);
    long v = strtol(buf, &end, 10);
    return end == buf || *end ? -1 : v;
}

/* SENTINEL REPLICAS / SENTINELS <group>: an array of flat field/value
 * arrays. The ones this sentinel can reach now: neither subjectively down
 * nor disconnected (configured known-* peers are listed from the start). */
static int count_reachable(const redisReply *rep) {
    if (rep->type != REDIS_REPLY_ARRAY) return -1;
    int n = 0;
    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *e = rep->element[i];
        if (e->type != REDIS_REPLY_ARRAY) return -1;
        for (size_t j = 0; j + 1 < e->elements; j += 2) {
            const redisReply *k = e->element[j], *v = e->element[j + 1];
            if (!session_is_text(k) || !session_is_text(v) || strcmp(k->str, "flags") != 0)
                continue;
            if (!strstr(v->str, "s_down") && !strstr(v->str, "disconnected")) n++;
            break;
        }
    }
    return n;
}

/* SENTINEL MASTER <group>: a flat array of field, value (RESP2); then the
 * replica and sentinel listings. */
static enum outcome fill_sentinel_master(struct session *s, void *obs, redisReply **reps) {
    struct sentinel_master_obs *m = obs;
    const redisReply *rep = reps[0];
    m->reachable_replicas = count_reachable(reps[1]);
    m->reachable_sentinels = count_reachable(reps[2]);
    if (m->reachable_replicas < 0 || m->reachable_sentinels < 0) {
        session_detail(s, "query: unexpected reply to SENTINEL REPLICAS or SENTINELS");
        return OUT_ERROR;
    }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements % 2) {
        session_detail(s, "query: unexpected reply to SENTINEL MASTER (type %d)", rep->type);
        return OUT_ERROR;
    }
    for (size_t i = 0; i + 1 < rep->elements; i += 2) {
        const redisReply *k = rep->element[i], *v = rep->element[i + 1];
        if (!session_is_text(k) || !session_is_text(v)) continue;
        if (strcmp(k->str, "ip") == 0) copy_text(m->master_host, sizeof m->master_host, v);
        else if (strcmp(k->str, "port") == 0) m->master_port = (int)reply_long(v);
        else if (strcmp(k->str, "flags") == 0) copy_text(m->flags, sizeof m->flags, v);
        else if (strcmp(k->str, "num-slaves") == 0) m->num_replicas = (int)reply_long(v);
        else if (strcmp(k->str, "num-other-sentinels") == 0)
            m->num_other_sentinels = (int)reply_long(v);
        else if (strcmp(k->str, "quorum") == 0) m->quorum = (int)reply_long(v);
    }
    if (!m->master_host[0] || m->master_port <= 0 || m->master_port > 65535 ||
        m->num_replicas < 0 || m->num_other_sentinels < 0) {
        session_detail(s, "query: SENTINEL MASTER: no usable ip, port or counts");
        return OUT_ERROR;
    }
    return OUT_ANSWER;
}

void probe_sentinel_master(struct sentinel_master_obs *m, const char *user, const char *pass,
                           const char *master_name, int timeout_ms) {
    const char *group = master_name ? master_name : "";
    const char *av[3] = {"SENTINEL", "MASTER", group}, *ar[3] = {"SENTINEL", "REPLICAS", group},
               *as[3] = {"SENTINEL", "SENTINELS", group};
    const char **argv[3] = {av, ar, as};
    const int argc[3] = {3, 3, 3};
    char err_code[32];
    struct peer_common p = m->p;
    memset(m, 0, sizeof *m);
    m->p = p;
    peer_clear(&m->p);
    session_converse(&m->p, mono_ms(), timeout_ms, user, pass, NULL, 3, argv, argc,
                     fill_sentinel_master, m, err_code);
    /* "ERR No such master with that name": it answered, and monitors nothing by that name. */
    if (m->p.outcome == OUT_ERROR && strcmp(err_code, "ERR") == 0 &&
        strstr(m->p.detail, "No such master"))
        m->p.outcome = OUT_NIL_MASTER;
}
