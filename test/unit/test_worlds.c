/* test_worlds.c: the exhaustive check of decide_redis() (docs/decision.md,
 * "The exhaustive check").
 * Every world of a 3-redis-pod, 3-sentinel cluster is enumerated; in each,
 * every pod that is deciding (running redis-init now) decides from what it
 * can observe, and the invariants below hold over the world's decisions.
 *
 * The model. Histories: A is the old line, B the new one, promoted
 * from A at offset 90 (Sentinel's own loss: A's writes 91..100 are on A
 * only), C an unrelated fresh line (a cluster restarted empty).
 *   H_old = A@100 recorded as master      H_new = B@200 from A@90
 * Each redis pod is one of (pod_kinds[] below):
 *   down, down-old, down-new  refused (nothing listens); its volume holds
 *                      nothing known, H_old or H_new (the same observation;
 *                      the invariants judge what it may come back with)
 *   init-empty         deciding, a beacon with no data and no record
 *   init-old           deciding, data, record H_old (fresh)
 *   init-old-stale     deciding, data A@100, record A@80 master (a record
 *                      one probe period old: a lower offset on the same id)
 *   init-new-m         deciding, data, record H_new as master (the promoted pod)
 *   init-new-m-stale   deciding, data H_new, record B@150 from A@90, master
 *   init-new-r         deciding, data, record H_new as replica
 *   init-promo-stale   deciding, data H_new as master, but its record is from
 *                      before its promotion: A@90 replica (it says replica
 *                      where the live state was master)
 *   run-{m,r}-{old,new,empty}  running master / replica answering INFO live:
 *                      old A@100 with keys, new B@200 (replid2 A,
 *                      second_repl_offset 91) with keys, empty C@10 no keys
 *   run-m-fresh        an empty fresh master started by B5 (D@0): no key, no
 *                      replica, no backlog; its agent may step it down
 * Each sentinel: down (refused) or naming pod 0, 1 or 2.
 * That is 17^3 pod states x 4^3 sentinel states = 314432 worlds. A deciding
 * pod's own slot is OUT_SELF, its self_data.has_data and self_hist (and the
 * RDB repl-id/offset, taken equal to its record) come from its state; the
 * other pods answer as they would: a beacon ROLE_INIT with its record, a
 * running server its live fields (history_from_live), a down pod refused.
 * A pod's truth (the history its data really holds) is kept apart from what
 * it reports: the invariants judge data, the rules see only reports.
 *
 * Invariants, per world (the checks: check_world()):
 *  (1) at most one pod decides MASTER, and none while another pod runs as
 *      master unless a sentinel majority names the deciding pod (S1/S3; the
 *      sentinels demote the other: docs, "S1 beats another pod's claim");
 *  (2) no MASTER while a reachable (not down) peer holds a newer history:
 *      one that contains the pod's data and differs, or that supersedes the
 *      pod's line (names it as parent); a down peer counts too, since it
 *      may return with that history (what B7 is for);
 *  (3) no empty pod MASTER while a reachable peer holds data (beside a
 *      down one only B5 may, a documented limitation: X_B5_UNSEEN);
 *  (4) progress: when every pod is up, the sentinels are all down or a
 *      majority names one pod, the reported histories are rankable and some
 *      pod is deciding, some decision is not WAIT (progress_applies());
 *  (5) guard D (docs/decision.md): a pod holding data never FOLLOWs an
 *      answering master whose history neither contains its data nor
 *      supersedes its line (that one is Sentinel's own loss);
 *  (6) the resident agent heals what the deciders cannot: an empty fresh
 *      master that the deciders refuse (D1) steps down (rules F), the world
 *      after the step-down holds (1)-(5), and a B5 beside a down pod with
 *      data (X_B5_UNSEEN) heals: once that pod decides with its data, the
 *      fresh master steps down and some pod acts (check_fresh(),
 *      check_b5_heals()).
 * The agent also rules out worlds: a record older than its pod's
 * promotion beside another pod holding the promoted line (agent_rules_out();
 * counted, not checked).
 * A class of worlds where a rule fails an invariant is never skipped: it is
 * named (enum cls), counted and printed; all other worlds must pass.
 * test_checks_catch shows that each check can fail.
 *
 * Result (printed by the test; world, decision and step-down counts
 * asserted): 314432 worlds, of which the agent rules out 33088; 325632
 * decisions (wait 215501, master 36150, follow 67008, failover 6810,
 * promote 163); (4) applies in 63426 worlds; empty fresh masters step down
 * in 46524. (1), (3), (5) and (6) hold everywhere. Named classes:
 * X_S1_BEHIND 2460 (the newer pod is down), X_STALE_RECORD 2694 (the
 * promoted line on its own pod only: no replica acknowledged any of it),
 * X_B5_UNSEEN 16 (each healed by (6)), X_B3_REPLICA0 3, the legitimate
 * waits X_S6 11760, X_D1_EMPTY 3513, X_OPERATOR 7956, and X_STEPS_DOWN
 * 3477 (transient). History: the first run (lib/ before S9 and the
 * older-line guard) found X_S1_BEHIND in 10500 worlds and an old master
 * followed over a newer line in 10566; before the agent (16^3 kinds, no
 * S10) X_STALE_RECORD was 3840 worlds and X_B5_UNSEEN waited for an
 * operator.
 */
#include <stdio.h>
#include <string.h>

#include "checkmain.h"
#include "rules/decide.h"
#include "rules/stepdown.h"
#include "rules/tally.h"

#define NPOD 3
#define NSENT 3
#define RHOST "redis-%d.redis.ns.svc.cluster.local"
#define SHOST "sentinel-%d.sentinel.ns.svc.cluster.local"
#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccc"
#define ID_D "dddddddddddddddddddddddddddddddddddddddd"
#define NONE "0000000000000000000000000000000000000000"

/* ---------------------------------------------------------------------------
 * Pod states
 * ------------------------------------------------------------------------ */

enum kind { K_DOWN, K_INIT, K_RUN };

struct pod_kind {
    const char *name;
    enum kind kind;
    int data;                  /* truth: its data dir / data set holds keys */
    struct history truth;      /* what its data set holds (known=0: nothing) */
    struct history record;     /* K_INIT: its record, published by the beacon */
    /* K_RUN: live INFO */
    int master;
    const char *replid, *replid2;
    long long offset, second_offset, keys;
};

#define H(id_, off_, pid_, poff_, m_) \
    {.known = 1, .id = id_, .offset = off_, .parent_id = pid_, .parent_offset = poff_, .was_master = m_}
#define H_OLD H(ID_A, 100, "", -1, 1)
#define H_NEW_M H(ID_B, 200, ID_A, 90, 1)
#define H_NEW_R H(ID_B, 200, ID_A, 90, 0)
#define H_NONE {.known = 0, .parent_offset = -1}
#define INIT(n, d, t, r) {n, K_INIT, d, t, r, 0, NULL, NULL, 0, -1, 0}
#define RUN(n, m, id, off, id2, s2, k) {n, K_RUN, (k) > 0, H_NONE, H_NONE, m, id, id2, off, s2, k}

enum {
    P_DOWN, P_DOWN_OLD, P_DOWN_NEW, P_INIT_EMPTY, P_INIT_OLD, P_INIT_OLD_STALE, P_INIT_NEW_M, P_INIT_NEW_M_STALE,
    P_INIT_NEW_R, P_INIT_PROMO_STALE, P_RUN_M_OLD, P_RUN_M_NEW, P_RUN_M_EMPTY, P_RUN_R_OLD,
    P_RUN_R_NEW, P_RUN_R_EMPTY, P_RUN_M_FRESH, P__COUNT
};

/* Not const: the truth of running pods is filled from their live fields. */
static struct pod_kind pod_kinds[P__COUNT] = {
    [P_DOWN] = {"down", K_DOWN, 0, H_NONE, H_NONE, 0, NULL, NULL, 0, -1, 0},
    [P_DOWN_OLD] = {"down-old", K_DOWN, 1, H_OLD, H_OLD, 0, NULL, NULL, 0, -1, 0},
    [P_DOWN_NEW] = {"down-new", K_DOWN, 1, H_NEW_M, H_NEW_M, 0, NULL, NULL, 0, -1, 0},
    [P_INIT_EMPTY] = INIT("init-empty", 0, H_NONE, H_NONE),
    [P_INIT_OLD] = INIT("init-old", 1, H_OLD, H_OLD),
    [P_INIT_OLD_STALE] = INIT("init-old-stale", 1, H_OLD, H(ID_A, 80, "", -1, 1)),
    [P_INIT_NEW_M] = INIT("init-new-m", 1, H_NEW_M, H_NEW_M),
    [P_INIT_NEW_M_STALE] = INIT("init-new-m-stale", 1, H_NEW_M, H(ID_B, 150, ID_A, 90, 1)),
    [P_INIT_NEW_R] = INIT("init-new-r", 1, H_NEW_R, H_NEW_R),
    [P_INIT_PROMO_STALE] = INIT("init-promo-stale", 1, H_NEW_M, H(ID_A, 90, "", -1, 0)),
    [P_RUN_M_OLD] = RUN("run-m-old", 1, ID_A, 100, NONE, -1, 5),
    [P_RUN_M_NEW] = RUN("run-m-new", 1, ID_B, 200, ID_A, 91, 5),
    [P_RUN_M_EMPTY] = RUN("run-m-empty", 1, ID_C, 10, NONE, -1, 0),
    [P_RUN_R_OLD] = RUN("run-r-old", 0, ID_A, 100, NONE, -1, 5),
    [P_RUN_R_NEW] = RUN("run-r-new", 0, ID_B, 200, ID_A, 91, 5),
    [P_RUN_R_EMPTY] = RUN("run-r-empty", 0, ID_C, 10, NONE, -1, 0),
    [P_RUN_M_FRESH] = RUN("run-m-fresh", 1, ID_D, 0, NONE, -1, 0),
};

static void kinds_init(void)
{
    for (int k = 0; k < P__COUNT; k++) {
        struct pod_kind *p = &pod_kinds[k];
        if (p->kind == K_RUN)
            history_from_live(&p->truth, p->master, p->replid, p->offset, p->replid2,
                              p->second_offset);
    }
}

/* ---------------------------------------------------------------------------
 * A world and what one pod observes in it
 * ------------------------------------------------------------------------ */

struct world {
    int pod[NPOD];             /* index in pod_kinds */
    int sent[NSENT];           /* -1: down, else the pod it names */
};

static const struct pod_kind *kind_of(const struct world *w, int i)
{
    return &pod_kinds[w->pod[i]];
}

/* The pod a sentinel majority names, or -1. */
static int majority_pod(const struct world *w)
{
    int votes[NPOD] = {0};
    for (int s = 0; s < NSENT; s++)
        if (w->sent[s] >= 0 && ++votes[w->sent[s]] >= sentinel_majority(NSENT))
            return w->sent[s];
    return -1;
}

static void peer_init(struct peer_common *p, int sentinel, int i)
{
    p->ordinal = i;
    snprintf(p->host, sizeof p->host, sentinel ? SHOST : RHOST, i);
    p->port = sentinel ? 26379 : 6379;
}

/* Pod i as pod `self` sees it: refused, a beacon, or live INFO. */
static void observe_pod(const struct world *w, int i, struct redis_obs *r)
{
    const struct pod_kind *k = kind_of(w, i);
    peer_init(&r->p, 0, i);
    snprintf(r->p.addr, sizeof r->p.addr, "10.0.0.1%d", i);
    r->second_offset = -1;
    if (k->kind == K_DOWN) {
        r->p.outcome = OUT_REFUSED;
        return;
    }
    r->p.outcome = OUT_ANSWER;
    if (k->kind == K_INIT) {
        r->role = ROLE_INIT;
        r->init_has_data = k->data;
        r->hist = k->record;
        return;
    }
    r->role = k->master ? ROLE_MASTER : ROLE_REPLICA;
    snprintf(r->replid, sizeof r->replid, "%s", k->replid);
    snprintf(r->replid2, sizeof r->replid2, "%s", k->replid2);
    r->offset = k->offset;
    r->second_offset = k->second_offset;
    r->keys = k->keys;
    r->backlog_active = k->offset > 0; /* a replica attached once: only a fresh master has none */
    r->hist = k->truth;
    for (int j = 0; j < NPOD; j++) {
        const struct pod_kind *o = kind_of(w, j);
        if (j == i || o->kind != K_RUN || strcmp(o->replid, k->replid) != 0)
            continue;
        if (k->master && !o->master)
            r->connected_replicas++;
        if (!k->master && o->master && !r->link_up) {
            snprintf(r->master_host, sizeof r->master_host, RHOST, j);
            r->master_port = 6379;
            r->link_up = 1;
        }
    }
}

/* What deciding pod x observes in w. Static: struct observations is large. */
static const struct observations *observe(const struct world *w, int x)
{
    static struct observations o;
    const struct pod_kind *me = kind_of(w, x);
    memset(&o, 0, sizeof o);
    o.self_ordinal = x;
    o.redis_port = 6379;
    snprintf(o.self_host, sizeof o.self_host, RHOST, x);
    o.self_data.has_data = me->data;
    o.self_data.offset = -1;
    if (me->data && me->record.known) {
        snprintf(o.self_data.replid, sizeof o.self_data.replid, "%s", me->record.id);
        o.self_data.offset = me->record.offset;
    }
    snprintf(o.self_data.summary, sizeof o.self_data.summary, "%s",
             me->data ? "dump.rdb: keys" : "no data files");
    o.self_hist = me->record;
    o.n_sentinels = NSENT;
    for (int s = 0; s < NSENT; s++) {
        struct sentinel_obs *so = &o.sentinels[s];
        peer_init(&so->p, 1, s);
        so->p.outcome = w->sent[s] < 0 ? OUT_REFUSED : OUT_ANSWER;
        if (w->sent[s] >= 0) {
            snprintf(so->master_host, sizeof so->master_host, RHOST, w->sent[s]);
            so->master_port = 6379;
        }
    }
    o.n_redis = NPOD;
    for (int i = 0; i < NPOD; i++) {
        observe_pod(w, i, &o.redis[i]);
        if (i == x)
            o.redis[i].p.outcome = OUT_SELF;
    }
    return &o;
}

/* ---------------------------------------------------------------------------
 * Invariants
 * ------------------------------------------------------------------------ */

struct verdicts {
    int deciding[NPOD];        /* 1: pod i is deciding in this world */
    struct decision d[NPOD];
};

/* What a check can find in a world: a violation (the test fails), or one of
 * the named classes where a rule fails an invariant (counted and printed,
 * never skipped silently):
 *   X_S1_BEHIND   (2) S1 makes a pod master on line A while another pod
 *                 that is DOWN holds B from A (one that answers makes it
 *                 wait, S9). Needs a sentinel majority behind a promotion:
 *                 a leader that died before spreading its config, a
 *                 promotion they did not see (B6, an operator), sentinels
 *                 that lost their state; a down pod cannot be consulted.
 *   X_STALE_RECORD (2)/(5) a promoted pod whose record predates its
 *                 promotion: no observation shows line B (docs/decision.md,
 *                 how stale a record can be); judged by its record instead.
 *                 With the agent only worlds where that pod alone holds B
 *                 remain: writes no replica acknowledged (agent_rules_out).
 *   X_B5_UNSEEN   (3) B5 while a down pod holds data; healed by the agent,
 *                 which (6) checks.
 *   X_STEPS_DOWN  (4) every decider refuses an empty fresh master: it steps
 *                 down ((6) checks that it does).
 *   X_S6, X_D1_EMPTY  (4) legitimate waits, at progress_stall().
 *   X_B3_REPLICA0 (4) liveness only: no data anywhere, sentinels down, pod
 *                 0 runs as a replica of nobody, the others wait B3 for it.
 *   X_OPERATOR    (4) a decider waits by S9 (the sentinels name it but a
 *                 peer continues its line) or refuses by D1 a master on an
 *                 older line it continues: stale sentinels or an old master
 *                 that came back; only an operator (or the sentinels) can
 *                 make the newer line master, and waiting loses nothing. */
enum cls {
    V_TWO_MASTERS, V_RUNNING_MASTER, V_NEWER, V_EMPTY, V_PROGRESS, V_FOLLOW_OLDER,
    V_FRESH_STUCK, V_NO_HEALING,
    X_S1_BEHIND, X_STALE_RECORD, X_B5_UNSEEN, X_S6, X_D1_EMPTY,
    X_B3_REPLICA0, X_OPERATOR, X_STEPS_DOWN,
    CLS__COUNT
};
#define N_VIOLATIONS X_S1_BEHIND
static const char *const cls_names[CLS__COUNT] = {
    "(1) two MASTER decisions", "(1) MASTER beside a running master",
    "(2) MASTER below a newer history", "(3) empty MASTER beside data", "(4) no progress",
    "(5) FOLLOW a master that lacks my data",
    "(6) an empty fresh master blocks the deciders and does not step down",
    "(6) after a step-down (or B5 beside an unseen pod, healed), no progress",
    "known (2): S1 on a line another pod supersedes (sentinels behind a promotion)",
    "known (2)/(5): a record older than its pod's promotion, its line on that pod alone (unacknowledged)",
    "known (3): B5 beside a down pod with data, healed by the step-down ((6) checks it)",
    "legit wait (4): S6, the majority names a running replica",
    "legit wait (4): D1, every decider refuses an empty master",
    "known (4): B3, no data anywhere and pod 0 runs as a replica",
    "legit wait (4): S9 / D1 on an older line, an operator keeps the newer line",
    "transient (4): D1 on an empty fresh master, which steps down (F3/F4; healed, (6))",
};

static int supersedes(const struct history *p, const struct history *m)
{
    return p->known && m->known && p->parent_id[0] && strcmp(p->parent_id, m->id) == 0 &&
           strcmp(p->id, m->id) != 0;
}

/* Does p hold a newer history than m: contains m's data and differs, or
 * supersedes m's line? */
static int newer(const struct history *p, const struct history *m)
{
    if (history_contains(p, m) && !(strcmp(p->id, m->id) == 0 && p->offset == m->offset))
        return 1;
    return supersedes(p, m);
}

static int reachable(const struct world *w, int i)
{
    return kind_of(w, i)->kind != K_DOWN;
}

/* What pod k tells the others about its history. */
static const struct history *reported(const struct pod_kind *k)
{
    return k->kind == K_INIT ? &k->record : &k->truth;
}

/* A deciding pod whose record does not even name the line its data is on. */
static int record_hides_line(const struct pod_kind *k)
{
    return k->kind == K_INIT && k->data && k->record.known && strcmp(k->record.id, k->truth.id);
}

static int all_deciders(const struct verdicts *v, const char *rule)
{
    for (int i = 0; i < NPOD; i++)
        if (v->deciding[i] && strcmp(v->d[i].rule, rule) != 0)
            return 0;
    return 1;
}

/* (1)-(3) for pod x, which decided MASTER: a bit per class found. A down
 * pod counts for (2): it may return with the newest history (B7 waits). */
static unsigned check_master(const struct world *w, const struct verdicts *v, int x)
{
    const struct pod_kind *me = kind_of(w, x);
    const char *rule = v->d[x].rule;
    unsigned found = 0;
    for (int i = 0; i < NPOD; i++) {
        const struct pod_kind *k = kind_of(w, i);
        if (i == x || !k->data)
            continue;
        if (!me->data)
            /* (3) is about reachable peers; beside a down one only B5 may
             * (it cannot tell a first boot from a missing pod). */
            found |= 1u << (reachable(w, i) || strcmp(rule, "B5") ? V_EMPTY : X_B5_UNSEEN);
        if (!newer(&k->truth, &me->truth))
            continue;
        /* S1 looks at no peer (it settles the round early). Sentinel names
         * the pod it promoted, so a majority naming a superseded line means
         * the sentinels are behind a promotion: see the report. */
        if (strcmp(rule, "S1") == 0 && supersedes(&k->truth, &me->truth))
            found |= 1u << X_S1_BEHIND;
        /* No observation shows that line: judged by what the pod reported. */
        else if (record_hides_line(k) && !newer(&k->record, &me->truth))
            found |= 1u << X_STALE_RECORD;
        else
            found |= 1u << V_NEWER;
    }
    for (int i = 0; i < NPOD; i++)
        if (i != x && kind_of(w, i)->kind == K_RUN && kind_of(w, i)->master &&
            majority_pod(w) != x)
            found |= 1u << V_RUNNING_MASTER;
    return found;
}

/* (5) for pod x, which decided FOLLOW: a master that answered must hold my
 * data, or supersede my line (Sentinel's own loss, docs/decision.md). */
static unsigned check_follow(const struct world *w, const struct verdicts *v, int x)
{
    const struct pod_kind *me = kind_of(w, x), *m;
    if (v->d[x].peer_index < 0 || !me->data)
        return 0;
    m = kind_of(w, v->d[x].peer_index);
    if (m->kind != K_RUN || history_contains(&m->truth, &me->truth) ||
        supersedes(&m->truth, &me->truth))
        return 0;
    if (record_hides_line(me) &&
        (history_contains(&m->truth, &me->record) || supersedes(&m->truth, &me->record)))
        return 1u << X_STALE_RECORD;
    /* An old master my line supersedes was a known class (X_FOLLOW_OLD_MASTER)
     * until guard D refused it: now a violation like any other. */
    return 1u << V_FOLLOW_OLDER;
}

/* Are the reported histories of the data holders rankable: all known, and
 * one line that no other continues? Written out here rather than asking
 * history_newest(), which is under test. (Every world of this model is.) */
static int rankable(const struct world *w)
{
    const char *tip = NULL;
    for (int i = 0; i < NPOD; i++) {
        const struct pod_kind *k = kind_of(w, i);
        const struct history *h = reported(k);
        int continued = 0;
        if (!k->data)
            continue;
        if (!h->known)
            return 0;
        for (int j = 0; j < NPOD; j++)
            continued |= kind_of(w, j)->data && supersedes(reported(kind_of(w, j)), h);
        if (!continued && tip && strcmp(tip, h->id) != 0)
            return 0;
        if (!continued)
            tip = h->id;
    }
    return 1;
}

/* (4) applies: every pod up, the sentinels all down or a majority of them
 * naming one pod (a minority is B1: it may know of a failover), rankable
 * histories (else B8: an operator chooses), and someone deciding. No world
 * names a host that is no pod, so S8 does not arise. */
static int progress_applies(const struct world *w, const struct verdicts *v)
{
    int deciding = 0, sent_up = 0;
    for (int i = 0; i < NPOD; i++) {
        if (!reachable(w, i))
            return 0;
        deciding |= v->deciding[i];
    }
    for (int s = 0; s < NSENT; s++)
        sent_up += w->sent[s] >= 0;
    return deciding && (sent_up == 0 || majority_pod(w) >= 0) && rankable(w);
}

/* (4) where it applies and every decider waits: which wait it is. */
static enum cls progress_stall(const struct world *w, const struct verdicts *v)
{
    int m = majority_pod(w), data = 0, master = 0, empty_target = 1;
    for (int i = 0; i < NPOD; i++) {
        const struct pod_kind *k = kind_of(w, i);
        data |= k->data;
        master |= k->kind == K_RUN && k->master;
        if (v->deciding[i]) {
            int t = v->d[i].peer_index;
            empty_target &= t >= 0 && kind_of(w, t)->kind == K_RUN && !kind_of(w, t)->data;
        }
    }
    /* A failover in progress or stale sentinels: theirs to resolve. */
    if (m >= 0 && kind_of(w, m)->kind == K_RUN && !kind_of(w, m)->master && all_deciders(v, "S6"))
        return X_S6;
    /* Guard D: each decider holds data the empty master would wipe. An
     * empty fresh master (B5, no write) steps down: transient, and (6)
     * checks that it does. Any other: an operator must choose. */
    if (all_deciders(v, "D1") && empty_target) {
        int fresh = 1;
        for (int i = 0; i < NPOD; i++)
            if (v->deciding[i]) fresh &= w->pod[v->d[i].peer_index] == P_RUN_M_FRESH;
        return fresh ? X_STEPS_DOWN : X_D1_EMPTY;
    }
    /* The newer line is held back by stale sentinels or an old master:
     * S9 / D1 say what to do; nothing is lost while they wait. */
    for (int i = 0; i < NPOD; i++) {
        if (!v->deciding[i] || v->d[i].action != ACT_WAIT) continue;
        int t = v->d[i].peer_index;
        if (strcmp(v->d[i].rule, "S9") == 0 ||
            (strcmp(v->d[i].rule, "D1") == 0 && t >= 0 &&
             supersedes(&kind_of(w, i)->truth, &kind_of(w, t)->truth)))
            return X_OPERATOR;
    }
    /* Liveness only (there is no data to lose): see the report. */
    if (m < 0 && !data && !master && kind_of(w, 0)->kind == K_RUN && all_deciders(v, "B3"))
        return X_B3_REPLICA0;
    return V_PROGRESS;
}

/* Every class found in world w with decisions v, a bit each. */
static unsigned check_world(const struct world *w, const struct verdicts *v)
{
    unsigned found = 0;
    int masters = 0, progress = 0;
    for (int x = 0; x < NPOD; x++) {
        if (!v->deciding[x])
            continue;
        progress |= v->d[x].action != ACT_WAIT;
        if (v->d[x].action == ACT_MASTER) {
            masters++;
            found |= check_master(w, v, x);
        } else if (v->d[x].action == ACT_FOLLOW) {
            found |= check_follow(w, v, x);
        }
    }
    if (masters > 1)
        found |= 1u << V_TWO_MASTERS;
    if (!progress && progress_applies(w, v))
        found |= 1u << progress_stall(w, v);
    return found;
}

/* ---------------------------------------------------------------------------
 * The agent (docs/decision.md, "The resident agent")
 * ------------------------------------------------------------------------ */

/* With the agent, a pod's record never predates its promotion while
 * another pod holds the promoted line: the agent writes the new line within
 * one watch-interval of the promotion, and a replica attaches to the new
 * master (Sentinel reconfigures it after its next INFO, at least a second
 * later; docs/resilience.md measures the margin) only after that. So a
 * world with init-promo-stale beside another holder of line B is not one
 * the agent lets happen; counted, not checked. What is left of the stale
 * record: line B held by the promoted pod alone, writes no replica
 * acknowledged (X_STALE_RECORD). */
static int agent_rules_out(const struct world *w)
{
    for (int x = 0; x < NPOD; x++) {
        if (w->pod[x] != P_INIT_PROMO_STALE) continue;
        for (int i = 0; i < NPOD; i++) {
            const struct history *t = &kind_of(w, i)->truth;
            if (i != x && t->known && strcmp(t->id, ID_B) == 0) return 1;
        }
    }
    return 0;
}

/* What the agent of running pod x (an empty fresh master) decides. */
static void stepdown_of(const struct world *w, int x, struct stepdown_verdict *sv)
{
    struct stepdown_obs so = {.start_rule = "B5", .fenced = 1};
    observe_pod(w, x, &so.self);
    so.round = observe(w, x);
    stepdown_next(&so, sv);
}

static void decide_all(const struct world *w, struct verdicts *v)
{
    memset(v, 0, sizeof *v);
    for (int x = 0; x < NPOD; x++)
        if (kind_of(w, x)->kind == K_INIT) {
            v->deciding[x] = 1;
            decide_redis(observe(w, x), &v->d[x]);
        }
}

/* World w holds every invariant (a legit wait may remain); strict: and
 * some decision acts where (4) applies, no wait at all. */
static int heals(const struct world *w, int strict)
{
    static struct verdicts v;
    decide_all(w, &v);
    unsigned found = check_world(w, &v);
    for (int c = 0; c < N_VIOLATIONS; c++)
        if (found & 1u << c) return 0;
    int progress = 0;
    for (int x = 0; x < NPOD; x++) progress |= v.deciding[x] && v.d[x].action != ACT_WAIT;
    return progress || !strict || !progress_applies(w, &v);
}

/* (6) In w, every empty fresh master that the deciders refuse steps down,
 * and the world after it steps down (it decides again: init-empty) heals. */
static unsigned check_fresh(const struct world *w, const struct verdicts *v, long *stepdowns)
{
    unsigned found = 0;
    for (int x = 0; x < NPOD; x++) {
        if (w->pod[x] != P_RUN_M_FRESH) continue;
        struct stepdown_verdict sv;
        int refused = 0;
        for (int i = 0; i < NPOD; i++)
            refused |= v->deciding[i] && v->d[i].peer_index == x && strcmp(v->d[i].rule, "D1") == 0;
        stepdown_of(w, x, &sv);
        if (sv.step != SD_STEP_DOWN) {
            if (refused) found |= 1u << V_FRESH_STUCK;
            continue;
        }
        (*stepdowns)++;
        struct world next = *w;
        next.pod[x] = P_INIT_EMPTY;
        if (!heals(&next, 0)) found |= 1u << V_NO_HEALING;
    }
    return found;
}

/* (6) A B5 beside a down pod with data heals: the B5 pod runs as an empty
 * fresh master, the down pods come back deciding with their data (and the
 * sentinels either stay down or all name the fresh master, as sentinel-init
 * picks a master that answers); its agent must step down, and the world
 * after that must heal. */
static unsigned check_b5_heals(const struct world *w, const struct verdicts *v)
{
    static const int back[P__COUNT] = {[P_DOWN_OLD] = P_INIT_OLD, [P_DOWN_NEW] = P_INIT_NEW_M};
    for (int x = 0; x < NPOD; x++) {
        if (!v->deciding[x] || strcmp(v->d[x].rule, "B5") != 0) continue;
        for (int named = 0; named < 2; named++) {
            struct world w1 = *w;
            w1.pod[x] = P_RUN_M_FRESH;
            for (int i = 0; i < NPOD; i++)
                if (back[w->pod[i]]) w1.pod[i] = back[w->pod[i]];
            for (int s = 0; s < NSENT; s++) w1.sent[s] = named ? x : w->sent[s];
            struct stepdown_verdict sv;
            stepdown_of(&w1, x, &sv);
            if (sv.step != SD_STEP_DOWN) return 1u << V_NO_HEALING;
            struct world w2 = w1;
            w2.pod[x] = P_INIT_EMPTY;
            if (!heals(&w2, 1)) return 1u << V_NO_HEALING;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Enumeration and the report
 * ------------------------------------------------------------------------ */

struct stats {
    long worlds, decisions, progress_worlds, ruled_out, stepdowns;
    long by_action[ACT__COUNT];
    long n[CLS__COUNT];
    char first[CLS__COUNT][512];
};

static void describe(const struct world *w, const struct verdicts *v, char *buf, size_t size)
{
    size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    PUT("sentinels [");
    for (int s = 0; s < NSENT; s++)
        if (w->sent[s] < 0)
            PUT("%sdown", s ? " " : "");
        else
            PUT("%sr%d", s ? " " : "", w->sent[s]);
    PUT("] pods [");
    for (int i = 0; i < NPOD && n < size; i++) {
        PUT("%sr%d %s", i ? " | " : "", i, kind_of(w, i)->name);
        if (v->deciding[i])
            PUT(": %s %s", action_name(v->d[i].action), v->d[i].rule);
        if (v->deciding[i] && v->d[i].peer_index >= 0)
            PUT(" r%d", v->d[i].peer_index);
    }
    PUT("]");
#undef PUT
}

static void eval_world(const struct world *w, struct stats *st)
{
    static struct verdicts v;
    st->worlds++;
    if (agent_rules_out(w)) {
        st->ruled_out++;
        return;
    }
    decide_all(w, &v);
    for (int x = 0; x < NPOD; x++)
        if (v.deciding[x]) {
            st->decisions++;
            st->by_action[v.d[x].action]++;
        }
    st->progress_worlds += progress_applies(w, &v);
    unsigned found = check_world(w, &v);
    found |= check_fresh(w, &v, &st->stepdowns);
    if (found & 1u << X_B5_UNSEEN) found |= check_b5_heals(w, &v);
    for (int c = 0; c < CLS__COUNT; c++) {
        if (!(found & 1u << c))
            continue;
        if (st->n[c]++ == 0)
            describe(w, &v, st->first[c], sizeof st->first[c]);
    }
}

/* Every world: 16^3 pod states, 4^3 sentinel states (-1..2). */
static void enumerate(struct stats *st)
{
    int total = P__COUNT * P__COUNT * P__COUNT * 64;
    for (int n = 0; n < total; n++) {
        struct world w;
        int r = n;
        for (int s = 0; s < NSENT; s++, r /= 4)
            w.sent[s] = r % 4 - 1;
        for (int i = 0; i < NPOD; i++, r /= P__COUNT)
            w.pod[i] = r % P__COUNT;
        eval_world(&w, st);
    }
}

START_TEST(test_every_world)
{
    static struct stats st;
    memset(&st, 0, sizeof st);
    kinds_init();
    enumerate(&st);
    printf("worlds: %ld worlds, %ld decisions (", st.worlds, st.decisions);
    for (int a = 0; a < ACT__COUNT; a++)
        if (st.by_action[a])
            printf("%s%s %ld", a ? ", " : "", action_name((enum action)a), st.by_action[a]);
    printf("); progress applies in %ld worlds; the agent rules out %ld; empty fresh masters "
           "step down in %ld\n", st.progress_worlds, st.ruled_out, st.stepdowns);
    for (int c = 0; c < CLS__COUNT; c++)
        if (st.n[c])
            printf("worlds: %s: %ld worlds, e.g. %s\n", cls_names[c], st.n[c], st.first[c]);
    fflush(stdout);
    ck_assert_int_eq(st.worlds, 314432);
    ck_assert_int_eq(st.ruled_out, 33088);
    ck_assert_int_eq(st.decisions, 325632);
    ck_assert_int_eq(st.stepdowns, 46524);
    for (int c = 0; c < N_VIOLATIONS; c++)
        ck_assert_msg(st.n[c] == 0, "%s in %ld worlds, e.g. %s", cls_names[c], st.n[c],
                      st.first[c]);
}
END_TEST

/* The checks themselves can fail: fabricated decisions that break each
 * invariant are caught as violations, not as a known class. */
struct fake {
    int pod[NPOD], sent[NSENT];
    enum action act[NPOD];
    const char *rule[NPOD];
    int target[NPOD];
    enum cls expect;
};

static const struct fake fakes[] = {
    {{P_INIT_OLD, P_INIT_NEW_M, P_DOWN}, {-1, -1, -1}, {ACT_MASTER, ACT_MASTER},
     {"B4", "B4"}, {0, 1}, V_TWO_MASTERS},
    {{P_INIT_OLD, P_INIT_NEW_M, P_DOWN}, {-1, -1, -1}, {ACT_MASTER, ACT_WAIT},
     {"B4", "B9"}, {0, 0}, V_NEWER},
    {{P_RUN_M_OLD, P_INIT_NEW_M, P_INIT_OLD}, {-1, -1, -1}, {0, ACT_MASTER, ACT_WAIT},
     {NULL, "B4", "B9"}, {0, 1, 1}, V_RUNNING_MASTER},
    {{P_INIT_EMPTY, P_INIT_OLD, P_DOWN}, {-1, -1, -1}, {ACT_MASTER, ACT_WAIT},
     {"B5", "B7"}, {0, -1}, V_EMPTY},
    {{P_INIT_OLD, P_DOWN_NEW, P_INIT_EMPTY}, {-1, -1, -1}, {ACT_MASTER, 0, ACT_WAIT},
     {"B4", NULL, "B9"}, {0, -1, 0}, V_NEWER},
    {{P_INIT_EMPTY, P_DOWN_OLD, P_DOWN}, {0, 0, -1}, {ACT_MASTER}, {"S3"}, {0}, V_EMPTY},
    {{P_INIT_OLD, P_INIT_OLD, P_INIT_OLD}, {-1, -1, -1}, {ACT_WAIT, ACT_WAIT, ACT_WAIT},
     {"B9", "B9", "B9"}, {0, 0, 0}, V_PROGRESS},
    {{P_RUN_M_EMPTY, P_INIT_NEW_M, P_DOWN}, {-1, -1, -1}, {0, ACT_FOLLOW},
     {NULL, "P1"}, {0, 0}, V_FOLLOW_OLDER},
};

START_TEST(test_checks_catch)
{
    const struct fake *f = &fakes[_i];
    struct world w;
    static struct verdicts v;
    memset(&v, 0, sizeof v);
    kinds_init();
    memcpy(w.pod, f->pod, sizeof w.pod);
    memcpy(w.sent, f->sent, sizeof w.sent);
    for (int i = 0; i < NPOD; i++) {
        v.deciding[i] = f->rule[i] != NULL;
        v.d[i].action = f->act[i];
        v.d[i].rule = f->rule[i];
        v.d[i].peer_index = f->target[i];
    }
    unsigned found = check_world(&w, &v);
    char b[512];
    describe(&w, &v, b, sizeof b);
    ck_assert_msg(found & 1u << f->expect, "%s not caught in %s (found %#x)", cls_names[f->expect],
                  b, found);
}
END_TEST

/* (6) can fail: deciders that refuse a fresh master that has no reason to
 * step down (no peer holds data) is caught; a world stalled by a legit wait
 * heals, but not strictly. */
START_TEST(test_fresh_checks_catch)
{
    static struct verdicts v;
    struct world w = {{P_RUN_M_FRESH, P_INIT_EMPTY, P_INIT_EMPTY}, {-1, -1, -1}};
    long n = 0;
    kinds_init();
    memset(&v, 0, sizeof v);
    for (int i = 1; i < NPOD; i++) {
        v.deciding[i] = 1;
        v.d[i].action = ACT_WAIT;
        v.d[i].rule = "D1";
        v.d[i].peer_index = 0;
    }
    ck_assert_uint_eq(check_fresh(&w, &v, &n), 1u << V_FRESH_STUCK);
    struct world s6 = {{P_INIT_EMPTY, P_RUN_R_OLD, P_INIT_EMPTY}, {1, 1, -1}};
    ck_assert_int_eq(heals(&s6, 0), 1);
    ck_assert_int_eq(heals(&s6, 1), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("worlds");
    TCase *tc = tcase_create("exhaustive");
    /* About 2 s, 3.5 s under ASan: too close to Check's default 4 s on a
     * loaded machine. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_world);
    tcase_add_loop_test(tc, test_checks_catch, 0, (int)(sizeof fakes / sizeof fakes[0]));
    tcase_add_test(tc, test_fresh_checks_catch);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
