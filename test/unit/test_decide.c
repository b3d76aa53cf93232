/* test_decide.c: the decision rules of docs/decision.md, one table row per
 * rule and per probe outcome, plus tie-breaks, split-brain warnings, IP
 * resolution, determinism and robustness.
 *
 * Observations are written in a small DSL, one token per configured peer:
 *
 * sentinels   "=N"      answers: master is redis-N (by name)
 *             "=ipN"    answers: master is redis-N by its IP (10.0.0.1N)
 *             "=other"  answers: master is a host that is no redis pod
 *             "nil"     answers: no such master group (nil-master)
 *             "self"    this sentinel (sentinel-init)
 *             any other outcome name: "timeout", "refused", ...
 * redis pods  "self"    this pod
 *             "M ...", "R ...", "? ..."  answered as master / replica /
 *                       unknown role, with attributes: kN keys, oN offset,
 *                       cN connected replicas, L loading, mN master is
 *                       redis-N, i:ID replid, j:ID replid2, sN second offset
 *             "I ..."   a beacon (a pod still deciding): d holds data, and
 *                       its record: i:ID replid, oN offset, p:ID parent,
 *                       qN parent offset, W recorded as master, w a
 *                       redis-init record (written_ms set), not RDB aux fields
 *             any other outcome name.
 * A row's own record (self_hist) uses the beacon's attributes; without one
 * this pod's history is its RDB's replid/offset, like discover() does.
 * Pod i is redis-i.redis.ns.svc.cluster.local:6379 (ordinal i, addr
 * 10.0.0.1i), sentinel i is sentinel-i.sentinel.ns.svc.cluster.local:26379.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmain.h"
#include "tokens.h"
#include "rules/decide.h"
#include "rules/tally.h"

/* Rows leave the trailing self_hist out when they have no record. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define NPEER 6
#define RHOST "redis-%d.redis.ns.svc.cluster.local"
#define SHOST "sentinel-%d.sentinel.ns.svc.cluster.local"
#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccc"

struct row {
    const char *name;
    int sentinel;                 /* 1: decide_sentinel, 0: decide_redis */
    int me;                       /* self ordinal (-1: none) */
    int data;                     /* self_data.has_data */
    const char *replid;           /* self_data.replid */
    long long off;                /* self_data.offset */
    const char *sent[NPEER];
    const char *redis[NPEER];
    enum action act;
    const char *rule;
    const char *target;           /* "rN": redis-N; "-": none; NULL: unchecked; else exact host */
    const char *reason;           /* substring of some reason */
    const char *warning;          /* substring of some warning; NULL: no warnings; "*": unchecked */
    const char *self_hist;        /* this pod's record ("i:ID oN ..."), NULL: from replid/off */
    const char *adopt;            /* [discovery] adopt: "rN", NULL: unset */
};

static void host_of(char host[OBS_HOST_MAX], int sentinel, int i)
{
    if (sentinel)
        snprintf(host, OBS_HOST_MAX, SHOST, i);
    else
        snprintf(host, OBS_HOST_MAX, RHOST, i);
}

static void peer_init(struct peer_common *p, int sentinel, int i)
{
    p->ordinal = i;
    host_of(p->host, sentinel, i);
    p->port = sentinel ? 26379 : 6379;
}

static void parse_sentinel(struct sentinel_obs *s, const char *tok)
{
    if (tok[0] != '=') {
        s->p.outcome = parse_outcome(tok);
        return;
    }
    s->p.outcome = OUT_ANSWER;
    s->master_port = 6379;
    if (strcmp(tok, "=other") == 0)
        snprintf(s->master_host, sizeof s->master_host, "redis-old.example");
    else if (strncmp(tok, "=ip", 3) == 0)
        snprintf(s->master_host, sizeof s->master_host, "10.0.0.1%d", atoi(tok + 3));
    else
        snprintf(s->master_host, sizeof s->master_host, RHOST, atoi(tok + 1));
}

/* A record's attributes ("d i:ID oN p:ID qN W"); d sets *data. */
static void parse_hist(struct history *h, int *data, const char *spec)
{
    char buf[256], *save = NULL;
    memset(h, 0, sizeof *h);
    h->parent_offset = -1;
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *a = strtok_r(buf, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
        switch (a[0]) {
        case 'd': *data = 1; break;
        case 'i': snprintf(h->id, sizeof h->id, "%s", a + 2); h->known = 1; break;
        case 'o': h->offset = atoll(a + 1); break;
        case 'p': snprintf(h->parent_id, sizeof h->parent_id, "%s", a + 2); break;
        case 'q': h->parent_offset = atoll(a + 1); break;
        case 'W': h->was_master = 1; break;
        case 'w': h->written_ms = 1; break;
        default: ck_abort_msg("bad history attribute '%s'", a);
        }
    }
}

static void parse_redis(struct redis_obs *r, const char *tok)
{
    char buf[128], *save = NULL;
    if (tok[0] == 'I') {
        r->p.outcome = OUT_ANSWER;
        r->role = ROLE_INIT;
        r->second_offset = -1;
        parse_hist(&r->hist, &r->init_has_data, tok + 1);
        return;
    }
    if (tok[0] != 'M' && tok[0] != 'R' && tok[0] != '?') {
        r->p.outcome = parse_outcome(tok);
        return;
    }
    r->p.outcome = OUT_ANSWER;
    r->role = tok[0] == 'M' ? ROLE_MASTER : tok[0] == 'R' ? ROLE_REPLICA : ROLE_UNKNOWN;
    r->second_offset = -1;
    snprintf(buf, sizeof buf, "%s", tok + 1);
    for (char *a = strtok_r(buf, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
        switch (a[0]) {
        case 'k': r->keys = atoll(a + 1); break;
        case 'o': r->offset = atoll(a + 1); break;
        case 'c': r->connected_replicas = atoi(a + 1); break;
        case 'b': r->backlog_active = 1; break;
        case 'L': r->loading = 1; break;
        case 's': r->second_offset = atoll(a + 1); break;
        case 'i': snprintf(r->replid, sizeof r->replid, "%s", a + 2); break;
        case 'j': snprintf(r->replid2, sizeof r->replid2, "%s", a + 2); break;
        case 'm':
            snprintf(r->master_host, sizeof r->master_host, RHOST, atoi(a + 1));
            r->master_port = 6379;
            r->link_up = 1;
            break;
        default: ck_abort_msg("bad redis attribute '%s'", a);
        }
    }
    if (r->role != ROLE_UNKNOWN)
        history_from_live(&r->hist, r->role == ROLE_MASTER, r->replid, r->offset, r->replid2,
                          r->second_offset);
}

/* One observation round from a row. Static: struct observations is large. */
static const struct observations *build(const struct row *w)
{
    static struct observations o;
    memset(&o, 0, sizeof o);
    o.is_sentinel = w->sentinel;
    o.self_ordinal = w->me;
    o.redis_port = 6379;
    host_of(o.self_host, w->sentinel, w->me);
    o.self_data.has_data = w->data;
    snprintf(o.self_data.replid, sizeof o.self_data.replid, "%s", w->replid ? w->replid : "");
    o.self_data.offset = w->replid ? w->off : -1;
    snprintf(o.self_data.summary, sizeof o.self_data.summary, "%s",
             w->data ? "dump.rdb: keys" : "no data files");
    int ignored = 0;
    if (w->self_hist)
        parse_hist(&o.self_hist, &ignored, w->self_hist);
    else if (w->data && w->replid)
        history_from_live(&o.self_hist, 0, w->replid, w->off, NULL, -1);
    for (int i = 0; i < NPEER && w->sent[i]; i++, o.n_sentinels++) {
        peer_init(&o.sentinels[i].p, 1, i);
        parse_sentinel(&o.sentinels[i], w->sent[i]);
    }
    for (int i = 0; i < NPEER && w->redis[i]; i++, o.n_redis++) {
        peer_init(&o.redis[i].p, 0, i);
        snprintf(o.redis[i].p.addr, sizeof o.redis[i].p.addr, "10.0.0.1%d", i);
        parse_redis(&o.redis[i], w->redis[i]);
    }
    o.fence = o.n_redis > 1; /* as settings derive it */
    if (w->adopt) {
        o.adopt_set = 1;
        o.adopt_ordinal = atoi(w->adopt + 1);
    }
    return &o;
}

static void run(const struct observations *o, struct decision *d)
{
    if (o->is_sentinel)
        decide_sentinel(o, d);
    else
        decide_redis(o, d);
}

static const char *dump(const struct decision *d)
{
    static char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s %s host=%s idx=%d |", action_name(d->action),
                     d->rule ? d->rule : "(null)", d->host, d->peer_index);
    for (int i = 0; i < d->n_reasons && n < (int)sizeof buf; i++)
        n += snprintf(buf + n, sizeof buf - n, " R: %s |", d->reasons[i]);
    for (int i = 0; i < d->n_warnings && n < (int)sizeof buf; i++)
        n += snprintf(buf + n, sizeof buf - n, " W: %s |", d->warnings[i]);
    return buf;
}

static int has(const char list[][DEC_REASON_MAX], int n, const char *needle)
{
    for (int i = 0; i < n; i++)
        if (strstr(list[i], needle))
            return 1;
    return 0;
}

#define S3_ {"=0", "=0", "=0"}
#define NIL3 {"nil", "nil", "nil"}

static const struct row rows[] = {
    /* ---- S: a sentinel majority names a master ---- */
    {"S1 restarted master with data", 0, 0, 1, ID_A, 100, S3_, {"self", "R m0 k5", "R m0 k5"},
     ACT_MASTER, "S1", "r0", "3 of 3 sentinels name redis-0:6379 (majority 2): that is me", NULL},
    {"S1 majority of 2 despite a timeout", 0, 0, 1, NULL, 0, {"=0", "=0", "timeout"},
     {"self", "R m0", "R m0"}, ACT_MASTER, "S1", "r0", "2 of 3 sentinels", NULL},
    {"S1 with a split-brain warning", 0, 0, 1, NULL, 0, S3_, {"self", "M k5", "R m1"},
     ACT_MASTER, "S1", "r0", "that is me", "split brain: redis-1 claims master"},
    {"S2 empty master, replicas hold data", 0, 0, 0, NULL, 0, S3_,
     {"self", "R m0 k5 o80", "R m0 k5 o90"}, ACT_FAILOVER, "S2", "r2",
     "my data dir is empty while redis-2 holds data", NULL},
    {"S2 peer still loading counts as data", 0, 0, 0, NULL, 0, S3_, {"self", "R m0 L", "refused"},
     ACT_FAILOVER, "S2", "r1", "loading", NULL},
    {"S3 all peers answered empty", 0, 0, 0, NULL, 0, S3_, {"self", "R m0", "R m0"}, ACT_MASTER,
     "S3", "r0", "all 2 other pods answered without data", NULL},
    {"S4 empty, a peer is down", 0, 0, 0, NULL, 0, S3_, {"self", "R m0", "refused"}, ACT_WAIT,
     "S4", "r0", "redis-2 (refused) did not answer: it may hold data", NULL},
    {"S4 empty, peers time out", 0, 0, 0, NULL, 0, S3_, {"self", "timeout", "not-found"},
     ACT_WAIT, "S4", "r0", "redis-1 (timeout), redis-2 (not-found) did not answer: they", NULL},
    {"S4 an unreadable answer is no proof of emptiness", 0, 0, 0, NULL, 0, S3_,
     {"self", "R m0", "?"}, ACT_WAIT, "S4", "r0", "redis-2 (role unknown) did not answer", NULL},
    {"S5 follow the named master", 0, 1, 0, NULL, 0, {"=0", "=0", "nil"},
     {"M k5 o100 c1", "self", "R m0 k5"}, ACT_FOLLOW, "S5", "r0",
     "2 of 3 sentinels name redis-0:6379 (majority 2) and it answers as master (keys 5", NULL},
    {"S5 with data follows a master with keys", 0, 1, 1, ID_B, 100, S3_,
     {"M k5 i:" ID_A, "self", "R m0 k5"}, ACT_FOLLOW, "S5", "r0", "answers as master", NULL},
    {"S6 named master answers as replica", 0, 2, 0, NULL, 0, S3_, {"R m1 k5", "M k5 c1", "self"},
     ACT_WAIT, "S6", "r0", "answers as a replica of redis-1:6379",
     "split brain: redis-1 claims master while 3 of 3 sentinels name redis-0"},
    {"S6 named master answers with unknown role", 0, 2, 0, NULL, 0, S3_, {"? k5", "R", "self"},
     ACT_WAIT, "S6", "r0", "answers with an unknown role", NULL},
    {"S7 named master refused", 0, 1, 0, NULL, 0, S3_, {"refused", "self", "R m0 k5"},
     ACT_FOLLOW, "S7", "r0", "it did not answer (refused): following it", NULL},
    {"S7 named master timed out", 0, 1, 1, NULL, 0, S3_, {"timeout", "self", "R m0 k5"},
     ACT_FOLLOW, "S7", "r0", "it did not answer (timeout)", NULL},
    {"S7 split-brain warning", 0, 1, 0, NULL, 0, S3_, {"timeout", "self", "M k5"}, ACT_FOLLOW,
     "S7", "r0", "did not answer", "split brain: redis-2 claims master"},
    {"S8 sentinels name an unknown host", 0, 1, 0, NULL, 0, {"=other", "=other", "nil"},
     {"M k5", "self", "R"}, ACT_WAIT, "S8", "redis-old.example",
     "name redis-old.example:6379 (majority 2), which is none of the 3 configured", NULL},
    {"S IP and name count as one master", 0, 1, 0, NULL, 0, {"=0", "=ip0", "=1"},
     {"M k5", "self", "R m0"}, ACT_FOLLOW, "S5", "r0", "2 of 3 sentinels name redis-0:6379", NULL},
    {"S IP-only majority resolves to the pod name", 0, 2, 0, NULL, 0, {"=ip1", "=ip1", "nil"},
     {"R m1", "M k1", "self"}, ACT_FOLLOW, "S5", "r1", "name redis-1:6379", NULL},
    /* obs_find_redis maps an IP only to a pod that answered from it now: an
     * IP could have been reused, so neither my own nor a down pod's counts. */
    {"S8 IP majority naming my own address", 0, 0, 1, NULL, 0, {"=ip0", "=ip0", "=ip0"},
     {"self", "R", "R"}, ACT_WAIT, "S8", "10.0.0.10", "none of the 3 configured",
     "10.0.0.10 is my own address"},
    {"S8 IP majority naming a down pod", 0, 0, 1, NULL, 0, {"=ip1", "=ip1", "=1"},
     {"self", "refused", "R"}, ACT_WAIT, "S8", "10.0.0.11", "name 10.0.0.11:6379", NULL},
    {"S 5 sentinels need 3", 0, 1, 0, NULL, 0, {"=0", "=0", "nil", "nil", "nil"},
     {"M k5", "self", "R"}, ACT_FOLLOW, "P1", "r0", "no sentinel majority", "*"},
    /* ---- D: the data guard ---- */
    {"D1 empty master, other history", 0, 1, 1, ID_A, 100, S3_, {"M i:" ID_B, "self", "R m0"},
     ACT_WAIT, "D1", "r0", "refusing to follow redis-0:6379: it holds no keys", NULL},
    {"D1 empty master, my data has no repl-id", 0, 1, 1, NULL, 0, S3_,
     {"M i:" ID_A, "self", "R m0"}, ACT_WAIT, "D1", "r0", "empty this pod's data dir", NULL},
    {"D same repl-id continues my history", 0, 1, 1, ID_A, 100, S3_,
     {"M i:" ID_A " o200", "self", "R"}, ACT_FOLLOW, "S5", "r0", "answers as master", NULL},
    {"D1 same repl-id but the master is behind me", 0, 1, 1, ID_A, 100, S3_,
     {"M i:" ID_A " o50", "self", "R"}, ACT_WAIT, "D1", "r0", "refusing", NULL},
    {"D replid2 within second offset", 0, 1, 1, ID_A, 100, S3_,
     {"M i:" ID_B " j:" ID_A " s150 o300", "self", "R"}, ACT_FOLLOW, "S5", "r0", "master", NULL},
    {"D1 replid2 but past the second offset", 0, 1, 1, ID_A, 100, S3_,
     {"M i:" ID_B " j:" ID_A " s50 o300", "self", "R"}, ACT_WAIT, "D1", "r0", "refusing", NULL},
    {"D loading master is not empty", 0, 1, 1, ID_A, 100, S3_, {"M L i:" ID_B, "self", "R"},
     ACT_FOLLOW, "S5", "r0", "loading", NULL},
    {"D empty me follows an empty master", 0, 1, 0, NULL, 0, S3_, {"M", "self", "R"},
     ACT_FOLLOW, "S5", "r0", "answers as master (keys 0", NULL},
    {"D1 guards P1 too", 0, 1, 1, ID_A, 100, NIL3, {"M i:" ID_B, "self", "R"}, ACT_WAIT, "D1",
     "r0", "refusing to follow redis-0", NULL},
    /* ---- P: no majority, peers answer as master ---- */
    {"P1 follow the answering master", 0, 1, 0, NULL, 0, NIL3, {"M k5 c1", "self", "R m0 k5"},
     ACT_FOLLOW, "P1", "r0", "no sentinel majority names a master (majority 2 of 3); redis-0", NULL},
    {"P1 beats a sentinel minority", 0, 1, 0, NULL, 0, {"=2", "timeout", "nil"},
     {"M k5", "self", "R m0"}, ACT_FOLLOW, "P1", "r0", "answers as master",
     "1 of 3 sentinels name redis-2:6379 instead"},
    {"P1 prefers data over replicas", 0, 1, 0, NULL, 0, NIL3, {"M c2 o500", "self", "M k3 o10"},
     ACT_FOLLOW, "P1", "r2", "redis-2", "split brain: 2 peers claim master: redis-0, redis-2"},
    {"P1 most connected replicas", 0, 1, 0, NULL, 0, NIL3, {"M k1 c1 o500", "self", "M k1 c2"},
     ACT_FOLLOW, "P1", "r2", "replicas 2", "split brain"},
    {"P1 highest offset", 0, 1, 0, NULL, 0, NIL3, {"M k1 c1 o100", "self", "M k1 c1 o200"},
     ACT_FOLLOW, "P1", "r2", "offset 200", "split brain"},
    {"P1 lowest ordinal", 0, 0, 0, NULL, 0, NIL3, {"self", "M k1 c1 o100", "M k1 c1 o100"},
     ACT_FOLLOW, "P1", "r1", "redis-1", "split brain: 2 peers claim master: redis-1, redis-2"},
    /* ---- B: no majority, no master answers ---- */
    {"B1 a minority names a master", 0, 0, 1, NULL, 0, {"=1", "nil", "nil"},
     {"self", "R m1", "refused"}, ACT_WAIT, "B1", "r1",
     "a minority of sentinels name redis-1:6379 (1 of 3); waiting for a majority (2)", NULL},
    {"B1 sentinels disagree", 0, 0, 1, NULL, 0, {"=1", "=2", "nil"}, {"self", "R", "R"},
     ACT_WAIT, "B1", "r1", "redis-1:6379 (1 of 3), redis-2:6379 (1 of 3)", NULL},
    {"B2 a sentinel timed out: no MASTER even with data", 0, 0, 1, NULL, 0,
     {"nil", "nil", "timeout"}, {"self", "R", "R"}, ACT_WAIT, "B2",
     "-", "cannot rule one out at sentinel-2 (timeout)", NULL},
    {"B2 a redis pod timed out", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "timeout"}, ACT_WAIT,
     "B2", "-", "redis-2 (timeout)", NULL},
    {"B3 not the bootstrap pod", 0, 1, 0, NULL, 0, NIL3, {"refused", "self", "refused"},
     ACT_WAIT, "B3", "-", "only redis-0 may start a fresh cluster (my ordinal is 1)", NULL},
    {"B3 no ordinal", 0, -1, 0, NULL, 0, NIL3, {"refused", "self", "R"}, ACT_WAIT, "B3", "-",
     "my pod name has no ordinal", NULL},
    /* ---- B4, B6-B9: no master anywhere and data exists (a cold start) ---- */
    {"B7 pod 0 with data waits for a down peer (was B4)", 0, 0, 1, NULL, 0, NIL3,
     {"self", "refused", "not-found"}, ACT_WAIT, "B7", "-",
     "redis-1 (refused), redis-2 (not-found) cannot report their history", NULL},
    {"B7 any pod with data waits for every pod", 0, 1, 1, ID_A, 5, NIL3,
     {"I d i:" ID_A " o9 W", "self", "refused"}, ACT_WAIT, "B7", "-", "redis-2 (refused)", NULL},
    {"B7 an empty pod waits while a peer holds data and another is down", 0, 0, 0, NULL, 0,
     NIL3, {"self", "I d i:" ID_A " o9", "refused"}, ACT_WAIT, "B7", "-", "redis-2", NULL},
    {"B4 the newest history is mine: promoted from the old master's", 0, 1, 1, NULL, 0, NIL3,
     {"I d i:" ID_A " o450 W", "self", "I d i:" ID_B " o480"}, ACT_MASTER, "B4", "r1",
     "every pod reported and mine is the newest history (bbbbbbbb@500 from aaaaaaaa@400, master",
     "redis-0 (aaaaaaaa@450, master) holds writes my history does not: Sentinel's own loss",
     "i:" ID_B " o500 p:" ID_A " q400 W"},
    {"B9 the old master waits for the promoted pod (the #1 defect)", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_B " o500 p:" ID_A " q400 W", "I d i:" ID_B " o480"}, ACT_WAIT, "B9",
     "r1", "redis-1 holds the newest history (bbbbbbbb@500 from aaaaaaaa@400, master)", NULL,
     "i:" ID_A " o450 W"},
    {"B9 a replica of the newest line waits for its master", 0, 2, 1, NULL, 0, NIL3,
     {"I d i:" ID_A " o450 W", "I d i:" ID_B " o500 p:" ID_A " q400 W", "self"}, ACT_WAIT,
     "B9", "r1", "waiting for it to start as master", NULL, "i:" ID_B " o490"},
    {"B4 the recorded master beats a replica's fresher offset", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o120", "I d i:" ID_A " o90"}, ACT_MASTER, "B4", "r0",
     "aaaaaaaa@100, master", NULL, "i:" ID_A " o100 W"},
    {"B9 no recorded master: the highest offset", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o120", "I"}, ACT_WAIT, "B9", "r1", "redis-1 holds the newest",
     NULL, "i:" ID_A " o100"},
    {"B4 two failovers: the end of the chain", 0, 2, 1, NULL, 0, NIL3,
     {"I d i:" ID_A " o300 W", "I d i:" ID_B " o850 p:" ID_A " q250 W", "self"}, ACT_MASTER,
     "B4", "r2", "cccccccc@900 from bbbbbbbb@800", "*", "i:" ID_C " o900 p:" ID_B " q800 W"},
    /* ---- S10: a majority naming an empty deciding pod is set aside ---- */
    {"S10 the newest holder becomes master though the sentinels name an empty deciding pod", 0, 1,
     1, NULL, 0, S3_, {"I", "self", "I d i:" ID_A " o480"}, ACT_MASTER, "B4", "r1",
     "every pod reported and mine is the newest history",
     "S10: 3 of 3 sentinels name redis-0:6379, which is deciding with an empty data dir",
     "i:" ID_B " o500 p:" ID_A " q400 W"},
    {"S10 a holder of the newest line waits for its master (B9)", 0, 2, 1, NULL, 0, S3_,
     {"I", "I d i:" ID_B " o500 p:" ID_A " q400 W", "self"}, ACT_WAIT, "B9", "r1",
     "redis-1 holds the newest history", "S10: 3 of 3 sentinels name redis-0:6379",
     "i:" ID_B " o480"},
    {"S10 then P1: the master the newest holder became is followed", 0, 2, 1, ID_B, 480, S3_,
     {"I", "M k5 i:" ID_B " o600", "self"}, ACT_FOLLOW, "P1", "r1", "answers as master",
     "S10: 3 of 3 sentinels name redis-0:6379", "i:" ID_B " o480"},
    {"S10 not while a peer runs as a replica: the sentinels can fail over (S6)", 0, 1, 1, NULL,
     0, S3_, {"I", "self", "R m0 k5"}, ACT_WAIT, "S6", "r0", "answers with an unknown role",
     NULL, "i:" ID_B " o500 p:" ID_A " q400 W"},
    {"S10 not when no pod holds data (S6)", 0, 1, 0, NULL, 0, S3_, {"I", "self", "I"}, ACT_WAIT,
     "S6", "r0", "answers with an unknown role", NULL},
    {"S10 not when the named pod holds data (S6)", 0, 1, 1, NULL, 0, S3_,
     {"I d i:" ID_A " o450 W", "self", "I"}, ACT_WAIT, "S6", "r0", "answers with an unknown role",
     NULL, "i:" ID_B " o500 p:" ID_A " q400 W"},
    {"B9 an empty pod 0 waits for the newest holder (was B6/B5)", 0, 0, 0, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o10 W", "I d i:" ID_A " o5"}, ACT_WAIT, "B9", "r1",
     "redis-1 holds the newest history", NULL},
    {"B5 empty beacons are a fresh cluster", 0, 0, 0, NULL, 0, NIL3, {"self", "I", "I"},
     ACT_MASTER, "B5", "r0", "starting a fresh cluster", NULL},
    {"B8 unlinked histories: an operator chooses", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_B " o100 W", "I"}, ACT_WAIT, "B8", "-",
     "are not linked by any record", NULL, "i:" ID_A " o100 W"},
    {"B8 data without any history cannot be ranked", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o5", "I"}, ACT_WAIT, "B8", "-", "redis-0 holds data but has no "
     "recorded history", NULL},
    {"B8 names the way out: adopt, else run --master", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o5", "I"}, ACT_WAIT, "B8", "-", "[discovery] adopt = <pod> when "
     "no pod's data has a redis-init record", NULL},
    /* [discovery] adopt: volumes from another deployment (no record anywhere). */
    {"B11 adopt names me: master with my data", 0, 1, 1, ID_A, 50, NIL3,
     {"I d", "self", "I d i:" ID_B " o70"}, ACT_MASTER, "B11", "r1",
     "[discovery] adopt names me: starting as master with my data", NULL, NULL, "r1"},
    {"B11 adopt names a peer still deciding: wait for it", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_B " o70", "I d"}, ACT_WAIT, "B11", "r1",
     "[discovery] adopt names redis-1: waiting for it to start as master", NULL, NULL, "r1"},
    {"B11 adopt names a pod without data: B8, and why", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I", "I d"}, ACT_WAIT, "B8", "-", "[discovery] adopt (ordinal 1) does not apply",
     NULL, NULL, "r1"},
    {"B11 adopt is inert once a pod holds a redis-init record", 0, 0, 1, NULL, 0, NIL3,
     {"self", "I d i:" ID_B " o100 W", "I"}, ACT_WAIT, "B8", "-",
     "[discovery] adopt (ordinal 1) does not apply", NULL, "i:" ID_A " o100 W w", "r1"},
    {"B11 adopt is inert while a data holder runs", 0, 0, 1, NULL, 0, NIL3,
     {"self", "R k5 o200 i:" ID_A " m2", "I d"}, ACT_WAIT, "B8", "-",
     "[discovery] adopt (ordinal 2) does not apply", NULL, NULL, "r2"},
    {"B11 adopt never overrides a ranking: B9 as without it", 0, 0, 0, NULL, 0, NIL3,
     {"self", "I d i:" ID_A " o10 W", "I d i:" ID_A " o5"}, ACT_WAIT, "B9", "r1",
     "redis-1 holds the newest history", NULL, NULL, "r2"},
    {"B6 promote the newest running replica", 0, 0, 0, NULL, 0, NIL3,
     {"self", "R k5 o200 i:" ID_A, "I d i:" ID_A " o100"}, ACT_PROMOTE, "B6", "r1",
     "redis-1 holds the newest history (aaaaaaaa@200) and runs as a replica", NULL},
    {"B6 a running replica on a superseded line is not promoted", 0, 0, 0, NULL, 0, NIL3,
     {"self", "R k5 o900 i:" ID_A, "I d i:" ID_B " o100 p:" ID_A " q50 W"}, ACT_WAIT, "B9", "r2",
     "redis-2 holds the newest history", NULL},
    /* ---- beacons under a sentinel majority ---- */
    {"S3 every other pod is an empty beacon", 0, 0, 0, NULL, 0, S3_, {"self", "I", "I"},
     ACT_MASTER, "S3", "r0", "all 2 other pods answered without data", NULL},
    {"S2 a beacon holds data", 0, 0, 0, NULL, 0, S3_, {"self", "I d i:" ID_A " o5", "I"},
     ACT_FAILOVER, "S2", "r1", "redis-1 holds data (deciding, holds data", NULL},
    /* ---- S9: the sentinels missed a promotion ---- */
    {"S9 the sentinels name me, but a peer continues my line", 0, 1, 1, NULL, 0,
     {"=1", "=1", "refused"}, {"I d i:" ID_B " o200 p:" ID_A " q90 W", "self", "refused"},
     ACT_WAIT, "S9", "r1", "redis-0 holds a history that continues mine (bbbbbbbb@200 from "
     "aaaaaaaa@90, master): the sentinels missed a promotion", NULL, "i:" ID_A " o100 W"},
    {"S9 also against a running master of the newer line", 0, 1, 1, NULL, 0, {"=1", "=1", "=1"},
     {"M k5 o300 i:" ID_B " j:" ID_A " s91", "self", "R k5 m0"}, ACT_WAIT, "S9", "r1",
     "continues mine", "*", "i:" ID_A " o100 W"},
    {"S1 a peer on my own line is no reason to wait", 0, 1, 1, NULL, 0, {"=1", "=1", "=1"},
     {"I d i:" ID_A " o90", "self", "refused"}, ACT_MASTER, "S1", "r1", "that is me", NULL,
     "i:" ID_A " o100 W"},
    /* ---- guard D against a master behind me ---- */
    {"D1 refuses an old master that came back (my line continues its)", 0, 1, 1, NULL, 0, NIL3,
     {"M k5 o100 i:" ID_A, "self", "refused"}, ACT_WAIT, "D1", "r0",
     "it is on the older line aaaaaaaa, which my history continues", NULL,
     "i:" ID_B " o200 p:" ID_A " q90 W"},
    {"D1 also when the stale sentinels name the old master", 0, 2, 1, NULL, 0, S3_,
     {"M k5 o100 i:" ID_A, "refused", "self"}, ACT_WAIT, "D1", "r0", "older line", NULL,
     "i:" ID_B " o180 p:" ID_A " q90"},
    {"D1 the named master is behind me on my own history", 0, 1, 1, NULL, 0, S3_,
     {"M k5 o400 i:" ID_A, "self", "R m0 k5"}, ACT_WAIT, "D1", "r0",
     "it is behind me on my own history", NULL, "i:" ID_A " o500"},
    {"S5 Sentinel's own loss is followed (promoted from my history)", 0, 0, 1, NULL, 0,
     {"=1", "=1", "=1"}, {"self", "M k5 o100 i:" ID_B " j:" ID_A " s401", "R m1 k5"},
     ACT_FOLLOW, "S5", "r1", "answers as master", NULL, "i:" ID_A " o500 W"},
    {"B5 fresh cluster, ordered start", 0, 0, 0, NULL, 0, NIL3,
     {"self", "not-found", "not-found"}, ACT_MASTER, "B5", "r0",
     "redis-1, redis-2 could not report their data", NULL},
    {"B5 fresh cluster, parallel start", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "refused"},
     ACT_MASTER, "B5", "r0", "starting a fresh cluster", NULL},
    {"B5 no sentinels configured, one pod", 0, 0, 0, NULL, 0, {NULL}, {"self"}, ACT_MASTER,
     "B5", "r0", "fresh cluster", NULL},
    {"B5 all sentinels down", 0, 0, 0, NULL, 0, {"refused", "not-found", "refused"},
     {"self", "R", "R"}, ACT_MASTER, "B5", "r0", "fresh cluster", NULL},
    /* ---- each outcome of a sentinel (B path: empty pod 0, empty peers) ---- */
    {"sentinel answer", 0, 0, 0, NULL, 0, {"nil", "nil", "=1"}, {"self", "R", "R"}, ACT_WAIT,
     "B1", "r1", "minority", NULL},
    {"sentinel nil-master", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "R"}, ACT_MASTER, "B5", "r0",
     "fresh", NULL},
    {"sentinel not-found", 0, 0, 0, NULL, 0, {"nil", "nil", "not-found"}, {"self", "R", "R"},
     ACT_MASTER, "B5", "r0", "fresh", NULL},
    {"sentinel dns-failure", 0, 0, 0, NULL, 0, {"nil", "nil", "dns-failure"}, {"self", "R", "R"},
     ACT_WAIT, "B2", "-", "sentinel-2 (dns-failure)", NULL},
    {"sentinel refused", 0, 0, 0, NULL, 0, {"nil", "nil", "refused"}, {"self", "R", "R"},
     ACT_MASTER, "B5", "r0", "fresh", NULL},
    {"sentinel timeout", 0, 0, 0, NULL, 0, {"nil", "nil", "timeout"}, {"self", "R", "R"},
     ACT_WAIT, "B2", "-", "sentinel-2 (timeout)", NULL},
    {"sentinel auth-failed", 0, 0, 0, NULL, 0, {"nil", "nil", "auth-failed"}, {"self", "R", "R"},
     ACT_WAIT, "B2", "-", "sentinel-2 (auth-failed)", NULL},
    {"sentinel error", 0, 0, 0, NULL, 0, {"nil", "nil", "error"}, {"self", "R", "R"}, ACT_WAIT,
     "B2", "-", "sentinel-2 (error)", NULL},
    {"sentinel not-awaited", 0, 0, 0, NULL, 0, {"nil", "nil", "not-awaited"}, {"self", "R", "R"},
     ACT_WAIT, "B2", "-", "sentinel-2 (not-awaited)", NULL},
    {"sentinel self (ignored)", 0, 0, 0, NULL, 0, {"nil", "nil", "self"}, {"self", "R", "R"},
     ACT_MASTER, "B5", "r0", "fresh", NULL},
    /* ---- each outcome of a redis peer ---- */
    {"redis answer as master", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "M"}, ACT_FOLLOW, "P1", "r2",
     "redis-2:6379 answers as master", NULL},
    {"redis answer as replica", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "R"}, ACT_MASTER, "B5",
     "r0", "fresh", NULL},
    {"redis answer with unknown role", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "?"}, ACT_WAIT,
     "B2", "-", "redis-2 (role unknown)", NULL},
    {"redis nil-master (not a redis outcome)", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "nil"},
     ACT_WAIT, "B2", "-", "redis-2 (nil-master)", NULL},
    {"redis not-found", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "not-found"}, ACT_MASTER, "B5",
     "r0", "fresh", NULL},
    {"redis dns-failure", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "dns-failure"}, ACT_WAIT, "B2",
     "-", "redis-2 (dns-failure)", NULL},
    {"redis refused", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "refused"}, ACT_MASTER, "B5", "r0",
     "fresh", NULL},
    {"redis timeout", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "timeout"}, ACT_WAIT, "B2", "-",
     "redis-2 (timeout)", NULL},
    {"redis auth-failed", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "auth-failed"}, ACT_WAIT, "B2",
     "-", "redis-2 (auth-failed)", NULL},
    {"redis error", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "error"}, ACT_WAIT, "B2", "-",
     "redis-2 (error)", NULL},
    {"redis not-awaited", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "not-awaited"}, ACT_WAIT, "B2", "-",
     "redis-2 (not-awaited)", NULL},
    /* ---- sentinel-init ---- */
    {"T1 peers agree", 1, 0, 0, NULL, 0, {"self", "=0", "=0"}, {"M k5", "R m0", "R m0"},
     ACT_MONITOR, "T1", "r0", "2 of 2 peer sentinels name redis-0:6379 (majority of the peers 2)",
     NULL},
    {"T1 IP and name agree", 1, 2, 0, NULL, 0, {"=ip1", "=1", "self"}, {"R", "M k1", "R"},
     ACT_MONITOR, "T1", "r1", "2 of 2 peer sentinels name redis-1:6379", NULL},
    {"T1 unknown host still joins the peers", 1, 0, 0, NULL, 0, {"self", "=other", "=other"},
     {"M k1", "R", "R"}, ACT_MONITOR, "T1", "redis-old.example", "monitoring it",
     "none of the 3 configured redis pods"},
    {"T1 with split-brain warning", 1, 0, 0, NULL, 0, {"self", "=0", "=0"}, {"M k5", "M", "R"},
     ACT_MONITOR, "T1", "r0", "monitoring", "split brain: redis-1 claims master"},
    {"T1 needs a majority of the peers", 1, 0, 0, NULL, 0, {"self", "=1", "=1", "timeout", "nil"},
     {"M k5", "R", "R"}, ACT_MONITOR, "T2", "r0", "redis-0:6379 answers as master",
     "2 peer sentinels name redis-1:6379 instead"},
    {"T1 4 sentinels: 2 of the 3 peers", 1, 0, 0, NULL, 0, {"self", "=1", "=1", "nil"},
     {"R", "M k1", "R"}, ACT_MONITOR, "T1", "r1", "2 of 3 peer sentinels", NULL},
    {"T1 2 sentinels: the one peer decides", 1, 0, 0, NULL, 0, {"self", "=2"}, {"R", "R", "R"},
     ACT_MONITOR, "T1", "r2", "1 of 1 peer sentinels name redis-2:6379", NULL},
    {"T2 single sentinel has no peers", 1, 0, 0, NULL, 0, {"self"}, {"R", "M k1", "R"},
     ACT_MONITOR, "T2", "r1", "no majority of peer sentinels", NULL},
    {"T2 split brain picks the data holder", 1, 0, 0, NULL, 0, {"self", "nil", "timeout"},
     {"M c2", "M k5", "R"}, ACT_MONITOR, "T2", "r1", "redis-1",
     "split brain: 2 redis pods claim master: redis-0, redis-1"},
    {"T4 an empty fresh master without a replica: wait", 1, 0, 0, NULL, 0, {"self", "nil", "nil"},
     {"M", "refused", "refused"}, ACT_WAIT, "T4", "-", "waiting for its first replica", NULL},
    {"T4 also while peers are deciding with data", 1, 1, 0, NULL, 0, {"nil", "self", "nil"},
     {"M", "Id i:" ID_A " o90", "Id i:" ID_A " o80"}, ACT_WAIT, "T4", "-",
     "redis-0:6379 answers as master but holds nothing", NULL},
    {"T4 not once a replica attached", 1, 0, 0, NULL, 0, {"self", "nil", "nil"},
     {"M c1", "R m0", "refused"}, ACT_MONITOR, "T2", "r0", "answers as master", NULL},
    {"T4 not once a replica had attached", 1, 0, 0, NULL, 0, {"self", "nil", "nil"},
     {"M b", "refused", "refused"}, ACT_MONITOR, "T2", "r0", "answers as master", NULL},
    {"T4 not with keys", 1, 0, 0, NULL, 0, {"self", "nil", "nil"}, {"M k1", "refused", "refused"},
     ACT_MONITOR, "T2", "r0", "answers as master", NULL},
    {"T4 not with an offset", 1, 0, 0, NULL, 0, {"self", "nil", "nil"}, {"M o7", "refused", "refused"},
     ACT_MONITOR, "T2", "r0", "answers as master", NULL},
    {"T4 not for one redis pod (no fence)", 1, 0, 0, NULL, 0, {"self", "nil", "nil"}, {"M"},
     ACT_MONITOR, "T2", "r0", "answers as master", NULL},
    {"T4 not when the peers agree (T1 first)", 1, 0, 0, NULL, 0, {"self", "=0", "=0"},
     {"M", "refused", "refused"}, ACT_MONITOR, "T1", "r0", "peer sentinels", NULL},
    {"T3 nothing to monitor", 1, 0, 0, NULL, 0, {"self", "nil", "nil"}, {"R", "refused", "timeout"},
     ACT_WAIT, "T3", "-", "waiting for a redis server", NULL},
    {"T3 single sentinel, redis down", 1, 0, 0, NULL, 0, {"self"},
     {"refused", "refused", "not-found"}, ACT_WAIT, "T3", "-", "no redis pod answers", NULL},
    {"T peer sentinel answer", 1, 0, 0, NULL, 0, {"self", "=0", "=0"}, {"R", "R", "R"},
     ACT_MONITOR, "T1", "r0", "peer sentinels", NULL},
    {"T peer sentinel nil-master", 1, 0, 0, NULL, 0, {"self", "=0", "nil"}, {"R", "R", "R"},
     ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel not-found", 1, 0, 0, NULL, 0, {"self", "=0", "not-found"}, {"R", "R", "R"},
     ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel dns-failure", 1, 0, 0, NULL, 0, {"self", "=0", "dns-failure"},
     {"R", "R", "R"}, ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel refused", 1, 0, 0, NULL, 0, {"self", "=0", "refused"}, {"R", "R", "R"},
     ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel timeout", 1, 0, 0, NULL, 0, {"self", "=0", "timeout"}, {"R", "R", "R"},
     ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel auth-failed", 1, 0, 0, NULL, 0, {"self", "=0", "auth-failed"},
     {"R", "R", "R"}, ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T peer sentinel error", 1, 0, 0, NULL, 0, {"self", "=0", "error"}, {"R", "R", "R"},
     ACT_WAIT, "T3", "-", "waiting", NULL},
    {"T redis timeout is not a master", 1, 0, 0, NULL, 0, {"self", "nil", "nil"},
     {"timeout", "auth-failed", "error"}, ACT_WAIT, "T3", "-", "waiting", NULL},
};
#define N_ROWS ((int)(sizeof rows / sizeof rows[0]))

static void check_target(const struct row *w, const struct decision *d)
{
    char want[OBS_HOST_MAX];
    if (!w->target)
        return;
    if (strcmp(w->target, "-") == 0) {
        ck_assert_msg(d->host[0] == '\0' && d->peer_index == -1, "%s: target: %s", w->name,
                      dump(d));
    } else if (w->target[0] == 'r' && w->target[1] >= '0' && w->target[1] <= '9') {
        int i = atoi(w->target + 1);
        snprintf(want, sizeof want, RHOST, i);
        ck_assert_msg(strcmp(d->host, want) == 0 && d->peer_index == i && d->port == 6379,
                      "%s: want %s: %s", w->name, want, dump(d));
    } else {
        ck_assert_msg(strcmp(d->host, w->target) == 0 && d->peer_index == -1, "%s: want %s: %s",
                      w->name, w->target, dump(d));
    }
}

START_TEST(test_row)
{
    const struct row *w = &rows[_i];
    const struct observations *o = build(w);
    struct decision d;
    run(o, &d);
    ck_assert_msg(d.action == w->act, "%s: want %s: %s", w->name, action_name(w->act), dump(&d));
    ck_assert_msg(d.rule && strcmp(d.rule, w->rule) == 0, "%s: want rule %s: %s", w->name,
                  w->rule, dump(&d));
    check_target(w, &d);
    ck_assert_msg(has(d.reasons, d.n_reasons, w->reason), "%s: reason '%s' missing: %s",
                  w->name, w->reason, dump(&d));
    if (!w->warning)
        ck_assert_msg(d.n_warnings == 0, "%s: unexpected warning: %s", w->name, dump(&d));
    else if (strcmp(w->warning, "*") != 0)
        ck_assert_msg(has(d.warnings, d.n_warnings, w->warning), "%s: warning '%s' missing: %s",
                      w->name, w->warning, dump(&d));
}
END_TEST

/* Every row: reasons are non-empty terminated sentences, the context
 * (sentinel and redis outcome counts) follows the decisive reason, and the
 * same input gives byte-identical output without touching the input. */
START_TEST(test_row_invariants)
{
    static struct observations before;
    const struct observations *o = build(&rows[_i]);
    struct decision a, b;
    memcpy(&before, o, sizeof before);
    run(o, &a);
    run(o, &b);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%s: not deterministic", rows[_i].name);
    ck_assert_msg(memcmp(&before, o, sizeof before) == 0, "%s: input modified", rows[_i].name);
    ck_assert_int_ge(a.n_reasons, 3);
    ck_assert_int_le(a.n_reasons, DEC_MAX_REASONS);
    ck_assert_int_le(a.n_warnings, DEC_MAX_REASONS);
    for (int i = 0; i < a.n_reasons; i++) {
        ck_assert(memchr(a.reasons[i], '\0', DEC_REASON_MAX) != NULL);
        ck_assert(a.reasons[i][0] != '\0');
    }
    ck_assert_msg(has(a.reasons, a.n_reasons, "sentinels: ") &&
                      has(a.reasons, a.n_reasons, "redis pods: "),
                  "%s: context missing: %s", rows[_i].name, dump(&a));
    ck_assert(strncmp(a.reasons[0], "sentinels: ", 11) != 0);
    ck_assert(a.rule != NULL);
}
END_TEST

/* B10: an empty pod 0 with peers not started yet waits fresh-start-wait
 * before starting a fresh cluster (a wiped pod 0 after a full outage must
 * not become master before its peers, which hold data, can say so). */
START_TEST(test_fresh_start_wait)
{
    static const struct row down = {"B10", 0, 0, 0, NULL, 0, NIL3, {"self", "refused", "not-found"},
                                    ACT_WAIT, "B10", "-", NULL, NULL};
    static const struct row beacons = {"B5 now", 0, 0, 0, NULL, 0, NIL3, {"self", "I", "R"},
                                       ACT_MASTER, "B5", "r0", NULL, NULL};
    struct observations *o = (struct observations *)build(&down);
    struct decision d;
    o->fresh_start_wait_ms = 15000;
    o->waited_ms = 0;
    decide_redis(o, &d);
    ck_assert_msg(d.action == ACT_WAIT && strcmp(d.rule, "B10") == 0, "%s", dump(&d));
    ck_assert_msg(has(d.reasons, d.n_reasons, "redis-1 (refused) cannot report its data yet: "
                      "waiting 15000 ms more"), "%s", dump(&d));
    o->waited_ms = 14999;
    decide_redis(o, &d);
    ck_assert_str_eq(d.rule, "B10");
    o->waited_ms = 15000;
    decide_redis(o, &d);
    ck_assert_msg(d.action == ACT_MASTER && strcmp(d.rule, "B5") == 0, "%s", dump(&d));
    /* Names that do not exist are pods not created yet: no wait. */
    o = (struct observations *)build(&down);
    o->redis[1].p.outcome = OUT_NOT_FOUND;
    o->fresh_start_wait_ms = 15000;
    decide_redis(o, &d);
    ck_assert_msg(d.action == ACT_MASTER && strcmp(d.rule, "B5") == 0, "%s", dump(&d));
    /* Every peer answered (an empty beacon, an empty replica): no need to wait. */
    o = (struct observations *)build(&beacons);
    o->fresh_start_wait_ms = 15000;
    decide_redis(o, &d);
    ck_assert_msg(d.action == ACT_MASTER && strcmp(d.rule, "B5") == 0, "%s", dump(&d));
}
END_TEST

START_TEST(test_action_names)
{
    static const char *const want[] = {"wait", "master", "follow", "failover", "promote",
                                       "monitor"};
    for (int a = 0; a < ACT__COUNT; a++)
        ck_assert_str_eq(action_name((enum action)a), want[a]);
    ck_assert_str_eq(action_name(ACT__COUNT), "unknown");
    ck_assert_str_eq(action_name((enum action)-1), "unknown");
}
END_TEST

START_TEST(test_majority)
{
    static const int want[] = {1, 1, 2, 2, 3, 3, 4, 4};
    for (int n = 0; n < 8; n++)
        ck_assert_int_eq(sentinel_majority(n), want[n]);
    ck_assert_int_eq(sentinel_majority(-3), 1);
}
END_TEST

START_TEST(test_context_lists_outcomes)
{
    const struct row w = {"ctx", 0, 0, 0, NULL, 0, {"nil", "timeout", "=1"},
                          {"self", "refused", "R"}, ACT_WAIT, "B1", NULL, "", NULL};
    struct decision d;
    decide_redis(build(&w), &d);
    ck_assert_msg(has(d.reasons, d.n_reasons,
                      "sentinels: 3 configured, majority 2: 1 answer, 1 nil-master, 1 timeout"),
                  "%s", dump(&d));
    ck_assert_msg(has(d.reasons, d.n_reasons, "redis pods: 3 configured: 1 answer, 1 refused, 1 self"),
                  "%s", dump(&d));
    ck_assert_msg(has(d.reasons, d.n_reasons, "no answer from sentinel-1 (timeout), redis-1 (refused)"),
                  "%s", dump(&d));
}
END_TEST

/* 255-character names: every sentence is cut, marked, and stays in bounds. */
START_TEST(test_long_hosts)
{
    static struct observations o;
    const struct row w = {"long", 0, 1, 0, NULL, 0, S3_, {"refused", "self", "timeout"},
                          ACT_FOLLOW, "S7", NULL, "", NULL};
    memcpy(&o, build(&w), sizeof o);
    char longname[OBS_HOST_MAX];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    memcpy(longname, "redis-0", 7);   /* a single 255-character label */
    snprintf(o.redis[0].p.host, sizeof o.redis[0].p.host, "%s", longname);
    for (int i = 0; i < 3; i++)
        snprintf(o.sentinels[i].master_host, sizeof o.sentinels[i].master_host, "%s", longname);
    struct decision d;
    decide_redis(&o, &d);
    ck_assert_int_eq(d.action, ACT_FOLLOW);
    ck_assert_str_eq(d.host, longname);
    ck_assert_int_eq(d.peer_index, 0);
    ck_assert_msg(strlen(d.reasons[0]) == DEC_REASON_MAX - 1, "%s", dump(&d));
    ck_assert_str_eq(d.reasons[0] + DEC_REASON_MAX - 4, "...");
}
END_TEST

/* Corrupt counts are clamped instead of reading past the arrays. */
START_TEST(test_counts_clamped)
{
    static struct observations o;
    const struct row w = {"clamp", 0, 0, 0, NULL, 0, NIL3, {"self", "R", "R"}, ACT_MASTER, "B5",
                          NULL, "", NULL};
    memcpy(&o, build(&w), sizeof o);
    struct decision d;
    o.n_sentinels = -4;
    o.n_redis = 1;
    decide_redis(&o, &d);
    ck_assert_str_eq(d.rule, "B5");
    o.n_sentinels = 100000;
    o.n_redis = 100000;
    decide_redis(&o, &d);   /* zeroed entries read as unreadable answers: B2, no crash */
    ck_assert_str_eq(d.rule, "B2");
    decide_sentinel(&o, &d);
    ck_assert_str_eq(d.rule, "T3");
}
END_TEST

/* A caller that did not mark its own slot OUT_SELF is found by name. */
START_TEST(test_self_by_name)
{
    static struct observations o;
    const struct row w = {"byname", 0, 1, 1, NULL, 0, {"=1", "=1", "=1"}, {"R m1", "self", "R m1"},
                          ACT_MASTER, "S1", NULL, "", NULL};
    memcpy(&o, build(&w), sizeof o);
    o.redis[1].p.outcome = OUT_ANSWER;
    o.redis[1].role = ROLE_REPLICA;
    struct decision d;
    decide_redis(&o, &d);
    ck_assert_msg(d.action == ACT_MASTER && strcmp(d.rule, "S1") == 0, "%s", dump(&d));
    ck_assert_int_eq(d.peer_index, 1);
}
END_TEST

/* Warnings and reasons never exceed their arrays: 12 sentinels disagreeing
 * and 12 pods all claiming master. */
START_TEST(test_many_warnings)
{
    static struct observations o;
    const struct row w = {"many", 0, 0, 0, NULL, 0, {"nil"}, {"self"}, ACT_MASTER, "B5", NULL, "",
                          NULL};
    memcpy(&o, build(&w), sizeof o);
    o.n_sentinels = 12;
    o.n_redis = 13;
    for (int i = 0; i < 12; i++) {
        snprintf(o.sentinels[i].p.host, OBS_HOST_MAX, SHOST, i);
        o.sentinels[i].p.outcome = OUT_ANSWER;
        snprintf(o.sentinels[i].master_host, OBS_HOST_MAX, RHOST, i + 1);
        o.sentinels[i].master_port = 6379;
    }
    for (int i = 1; i < 13; i++) {
        snprintf(o.redis[i].p.host, OBS_HOST_MAX, RHOST, i);
        o.redis[i].p.port = 6379;
        o.redis[i].p.ordinal = i;
        o.redis[i].p.outcome = OUT_ANSWER;
        o.redis[i].role = ROLE_MASTER;
    }
    struct decision d;
    decide_redis(&o, &d);
    ck_assert_msg(d.action == ACT_FOLLOW && strcmp(d.rule, "P1") == 0, "%s", dump(&d));
    ck_assert_int_eq(d.peer_index, 1);
    ck_assert_int_eq(d.n_warnings, DEC_MAX_REASONS);
    ck_assert(strstr(d.warnings[0], "split brain: 12 peers claim master") != NULL);
}
END_TEST

/* decision_settled(): exactly the rules that rest on a formed majority and
 * on the named master's own answer. And the property that makes ending a
 * round early safe: for a settled row, whatever the peers that had not
 * answered turn out to say, the decision stays the same. */
static int rule_is_settled(const char *rule)
{
    return strcmp(rule, "S5") == 0 || strcmp(rule, "T1") == 0;
}

static void expect_same(const struct observations *o, const struct decision *want, const char *row,
                        const char *what)
{
    struct decision d;
    run(o, &d);
    ck_assert_msg(d.action == want->action && strcmp(d.rule, want->rule) == 0 &&
                      strcmp(d.host, want->host) == 0 && d.port == want->port,
                  "%s: settled on %s but %s turns it into %s", row, want->rule, what, dump(&d));
}

static void vary_sentinel(struct observations *o, int i, const struct decision *want, const char *row)
{
    struct sentinel_obs keep = o->sentinels[i];
    o->sentinels[i].p.outcome = OUT_TIMEOUT;
    expect_same(o, want, row, "a sentinel timing out");
    o->sentinels[i].p.outcome = OUT_ANSWER;
    snprintf(o->sentinels[i].master_host, sizeof o->sentinels[i].master_host, "elsewhere.example");
    o->sentinels[i].master_port = 6379;
    expect_same(o, want, row, "a sentinel naming another master");
    o->sentinels[i] = keep;
}

static void vary_redis(struct observations *o, int i, const struct decision *want, const char *row)
{
    struct redis_obs keep = o->redis[i];
    o->redis[i].p.outcome = OUT_NOT_AWAITED;
    expect_same(o, want, row, "a redis peer not awaited");
    o->redis[i].p.outcome = OUT_ANSWER;
    o->redis[i].role = ROLE_MASTER;
    o->redis[i].keys = 1000;
    o->redis[i].offset = 1LL << 40;
    o->redis[i].connected_replicas = 9;
    expect_same(o, want, row, "a redis peer answering as a master with more data");
    o->redis[i].role = ROLE_REPLICA;
    expect_same(o, want, row, "a redis peer answering as a replica");
    o->redis[i] = keep;
}

START_TEST(test_settled_rules)
{
    const struct row *w = &rows[_i];
    static struct observations o;
    struct decision d;
    o = *build(w);
    run(&o, &d);
    ck_assert_int_eq(decision_settled(&d), rule_is_settled(d.rule));
    if (!decision_settled(&d)) return;
    for (int i = 0; i < o.n_sentinels; i++)
        if (o.sentinels[i].p.outcome != OUT_ANSWER && o.sentinels[i].p.outcome != OUT_SELF)
            vary_sentinel(&o, i, &d, w->name);
    for (int i = 0; i < o.n_redis; i++)
        if (o.redis[i].p.outcome != OUT_ANSWER && o.redis[i].p.outcome != OUT_SELF)
            vary_redis(&o, i, &d, w->name);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("decide");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_row, 0, N_ROWS);
    tcase_add_loop_test(tc, test_row_invariants, 0, N_ROWS);
    tcase_add_loop_test(tc, test_settled_rules, 0, N_ROWS);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("misc");
    tcase_add_test(tm, test_fresh_start_wait);
    tcase_add_test(tm, test_action_names);
    tcase_add_test(tm, test_majority);
    tcase_add_test(tm, test_context_lists_outcomes);
    tcase_add_test(tm, test_long_hosts);
    tcase_add_test(tm, test_counts_clamped);
    tcase_add_test(tm, test_self_by_name);
    tcase_add_test(tm, test_many_warnings);
    suite_add_tcase(s, tm);
    return s;
}

CHECK_MAIN(make_suite)
