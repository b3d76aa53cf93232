/* round.c: all peers at once, bounded by one timeout (see round.h).
 *
 * The round state is on the heap and reference-counted: the caller holds one
 * reference, each started thread one. The caller stops waiting at the
 * deadline, copies out what finished and drops its reference; a thread stuck
 * in getaddrinfo() finishes later into memory it still co-owns, and the last
 * one out frees it. Nothing is global. */
#include "net/round.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "net/gate.h"
#include "net/tls.h"

struct slot {
    struct round *rd;
    int is_sentinel, idx;
    int done, phase;           /* under rd->mu */
    int weighed;               /* under rd->mu: done, and in the caller's last look */
    char addr[64];             /* under rd->mu */
    struct gate_ticket ticket; /* its place at the TLS gate */
};

struct round {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    clockid_t clock;   /* the clock cv waits on */
    int refs, pending; /* under mu */
    int finished;      /* under mu: probes done so far */
    atomic_int stop;   /* the caller stopped waiting: queued handshakes are not wanted */
    int weighs;        /* the caller weighs each answer (settled()) before the next moves */
    double t0;
    struct probe_config cfg; /* strings point into owned copies below */
    char *owned[5];
    int nslots;
    struct slot slots[2 * OBS_MAX_PEERS];
    struct redis_obs redis[OBS_MAX_PEERS];
    struct sentinel_obs sentinels[OBS_MAX_PEERS];
};

static void wipe(char *p) {
    if (!p) return;
    volatile char *v = p; /* volatile: the store must not be elided */
    while (*v) *v++ = 0;
}

static void round_free(struct round *rd) {
    for (int i = 0; i < 5; i++) {
        wipe(rd->owned[i]);
        free(rd->owned[i]);
    }
    pthread_cond_destroy(&rd->cv);
    pthread_mutex_destroy(&rd->mu);
    free(rd);
}

/* Drop one reference (mu held); frees after unlocking when it was the last. */
static void round_release_locked(struct round *rd) {
    int last = --rd->refs == 0;
    pthread_mutex_unlock(&rd->mu);
    if (last) round_free(rd);
}

/* The master a sentinel named goes ahead at the TLS gate: with the
 * sentinels' answers it is what the decision needs (rule S5). Under rd->mu. */
static void promote_named(struct round *rd, const struct sentinel_obs *so) {
    if (so->p.outcome != OUT_ANSWER || !so->master_host[0]) return;
    int any = 0;
    for (int i = 0; i < rd->nslots; i++) {
        struct slot *s = &rd->slots[i];
        const struct peer_common *p = &rd->redis[s->idx].p;
        if (s->is_sentinel || s->done || p->port != so->master_port ||
            !host_equal(p->host, so->master_host))
            continue;
        atomic_store(&s->ticket.prio, GATE_NAMED);
        gate_need(&s->ticket);
        any = 1;
    }
    if (any) gate_wake();
}

static void *worker(void *arg) {
    struct slot *sl = arg;
    struct round *rd = sl->rd;
    struct tracker tr = {&rd->mu, &sl->phase, sl->addr, &sl->ticket};
    if (sl->is_sentinel) {
        struct sentinel_obs so = rd->sentinels[sl->idx]; /* only we touch it until done */
        probe_sentinel_tracked(&rd->cfg, &so, rd->t0, &tr);
        pthread_mutex_lock(&rd->mu);
        rd->sentinels[sl->idx] = so;
        promote_named(rd, &so);
    } else {
        struct redis_obs ro = rd->redis[sl->idx];
        probe_redis_tracked(&rd->cfg, &ro, rd->t0, &tr);
        pthread_mutex_lock(&rd->mu);
        rd->redis[sl->idx] = ro;
    }
    sl->done = 1; /* under rd->mu, as promote_named's gate_need: never counted again */
    /* A needed answer is in progress until the caller has weighed it: if it
     * settles the round, no speculative handshake starts in the meantime to
     * share the cores with the caller finishing (wait_round). */
    if (!rd->weighs) gate_done(&sl->ticket);
    rd->pending--;
    rd->finished++;
    pthread_cond_signal(&rd->cv); /* every completion: the caller may settle early */
    round_release_locked(rd);
    return NULL;
}

static char *dup_or_null(const char *s, int *fail) {
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *fail = 1;
    return d;
}

static struct round *round_new(const struct probe_config *cfg) {
    struct round *rd = calloc(1, sizeof *rd);
    if (!rd) return NULL;
    int fail = 0;
    rd->cfg.timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 1;
    rd->cfg.master_name = rd->owned[0] = dup_or_null(cfg->master_name, &fail);
    rd->cfg.redis_user = rd->owned[1] = dup_or_null(cfg->redis_user, &fail);
    rd->cfg.redis_pass = rd->owned[2] = dup_or_null(cfg->redis_pass, &fail);
    rd->cfg.sentinel_user = rd->owned[3] = dup_or_null(cfg->sentinel_user, &fail);
    rd->cfg.sentinel_pass = rd->owned[4] = dup_or_null(cfg->sentinel_pass, &fail);
    if (pthread_mutex_init(&rd->mu, NULL) != 0) fail = 1;
    else if ((rd->clock = cond_init_monotonic(&rd->cv)) == (clockid_t)-1) {
        pthread_mutex_destroy(&rd->mu);
        fail = 1;
    }
    if (fail) {
        for (int i = 0; i < 5; i++) {
            wipe(rd->owned[i]);
            free(rd->owned[i]);
        }
        free(rd);
        return NULL;
    }
    rd->refs = 1;
    return rd;
}

static int add_slot(struct round *rd, const struct peer_common *p, int is_sentinel, int idx,
                    int prio) {
    if (!p->host[0] || p->outcome == OUT_SELF) return 0;
    rd->slots[rd->nslots++] = (struct slot){.rd = rd,
                                            .is_sentinel = is_sentinel,
                                            .idx = idx,
                                            .ticket = {.prio = prio, .stop = &rd->stop}};
    return 1;
}

/* Sentinels first: their threads start first and reach the TLS gate first.
 * A majority of them are what the decision needs (GATE_SENTINEL), those
 * past it are spares (gate.h). */
static void add_slots(struct round *rd, const struct observations *o) {
    int nr = o->n_redis < 0 ? 0 : o->n_redis > OBS_MAX_PEERS ? OBS_MAX_PEERS : o->n_redis;
    int ns = o->n_sentinels < 0               ? 0
             : o->n_sentinels > OBS_MAX_PEERS ? OBS_MAX_PEERS
                                              : o->n_sentinels;
    int majority = ns / 2 + 1, taken = 0;
    for (int i = 0; i < ns; i++) {
        rd->sentinels[i] = o->sentinels[i];
        int prio = taken < majority ? GATE_SENTINEL : GATE_SPARE;
        if (!add_slot(rd, &o->sentinels[i].p, 1, i, prio)) continue;
        taken++;
        if (prio == GATE_SENTINEL) gate_need(&rd->slots[rd->nslots - 1].ticket);
    }
    for (int i = 0; i < nr; i++) {
        rd->redis[i] = o->redis[i];
        add_slot(rd, &o->redis[i].p, 0, i, GATE_OTHER);
    }
}

/* Start one detached thread per slot; returns the errno of the first failure.
 * Unstarted slots are marked done with OUT_ERROR. */
static int start_threads(struct round *rd) {
    pthread_attr_t at;
    int err = pthread_attr_init(&at);
    if (err) return err;
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(
        &at, 256 * 1024); /* musl's default (128 KiB) is tight for getaddrinfo + hiredis */
    pthread_mutex_lock(&rd->mu);
    rd->pending = rd->nslots;
    for (int i = 0; i < rd->nslots; i++) {
        struct slot *sl = &rd->slots[i];
        pthread_t th;
        rd->refs++;
        int rc = err ? err : pthread_create(&th, &at, worker, sl);
        if (rc == 0) continue;
        err = rc;
        rd->refs--;
        rd->pending--;
        sl->done = 1;
        struct peer_common *p = sl->is_sentinel ? &rd->sentinels[sl->idx].p : &rd->redis[sl->idx].p;
        p->outcome = OUT_ERROR;
        snprintf(p->detail, sizeof p->detail, "probe thread: %s", strerror(rc));
    }
    pthread_mutex_unlock(&rd->mu);
    pthread_attr_destroy(&at);
    return err;
}

/* A slot still running: timed out at the deadline, or not awaited because
 * the decision had settled. Named by its phase either way. */
static void abandon(struct round *rd, const struct slot *sl, struct peer_common *p, int settled) {
    p->outcome = settled ? OUT_NOT_AWAITED : OUT_TIMEOUT;
    snprintf(p->addr, sizeof p->addr, "%s", sl->addr);
    p->elapsed_ms = mono_ms() - rd->t0;
    if (settled)
        snprintf(p->detail, sizeof p->detail, "%s: no answer after %.0f ms; decided without it",
                 session_phase_names[sl->phase], p->elapsed_ms);
    else
        snprintf(p->detail, sizeof p->detail, "%s: no answer within %d ms",
                 session_phase_names[sl->phase], rd->cfg.timeout_ms);
}

static void copy_out(struct round *rd, struct observations *o, int settled) {
    for (int i = 0; i < rd->nslots; i++) {
        const struct slot *sl = &rd->slots[i];
        if (sl->is_sentinel && sl->done) {
            o->sentinels[sl->idx] = rd->sentinels[sl->idx];
        } else if (sl->done) {
            o->redis[sl->idx] = rd->redis[sl->idx];
        } else if (sl->is_sentinel) {
            probe_clear_sentinel(&o->sentinels[sl->idx]);
            abandon(rd, sl, &o->sentinels[sl->idx].p, settled);
        } else {
            probe_clear_redis(&o->redis[sl->idx]);
            abandon(rd, sl, &o->redis[sl->idx].p, settled);
        }
    }
}

/* Wait until every probe is done or the deadline passes; with a settled()
 * callback, also stop as soon as it says the round so far is enough.
 * Called and returns with rd->mu held. Returns 1 if settled early. */
static int wait_round(struct round *rd, const struct probe_config *cfg,
                      const struct observations *o, struct observations *scratch,
                      const struct timespec *dl) {
    int seen = 0;
    while (rd->pending > 0) {
        if (scratch && rd->finished != seen) {
            seen = rd->finished;
            *scratch = *o;
            copy_out(rd, scratch, 1);
            for (int i = 0; i < rd->nslots; i++) rd->slots[i].weighed = rd->slots[i].done;
            pthread_mutex_unlock(&rd->mu); /* the decision may take a while; probes go on */
            int done = cfg->settled(scratch, cfg->settled_ctx);
            pthread_mutex_lock(&rd->mu);
            if (done) return 1;
            for (int i = 0; i < rd->nslots; i++) /* weighed, and not enough */
                if (rd->slots[i].weighed) gate_done(&rd->slots[i].ticket);
            continue;
        }
        if (pthread_cond_timedwait(&rd->cv, &rd->mu, dl) == ETIMEDOUT) break;
    }
    return 0;
}

int probe_round(const struct probe_config *cfg, struct observations *o, ri_err *e) {
    struct round *rd = round_new(cfg);
    if (!rd) return ri_fail(e, EX_OSERR, "probe round: out of memory");
    add_slots(rd, o);
    rd->t0 = mono_ms();
    /* Probes bound themselves by the timeout; the margin covers thread
     * start-up and hiredis's per-read (not per-reply) timeouts. */
    int margin = 50 + rd->cfg.timeout_ms / 10;
    if (margin > 500) margin = 500;
    struct timespec dl = clock_after_ms(rd->clock, rd->cfg.timeout_ms + margin);
    /* A copy for settled() to read while probes keep writing into rd. */
    struct observations *scratch = cfg->settled ? malloc(sizeof *scratch) : NULL;
    rd->weighs = scratch != NULL;
    int err = start_threads(rd);
    pthread_mutex_lock(&rd->mu);
    int settled = wait_round(rd, cfg, o, scratch, &dl);
    atomic_store(&rd->stop, 1); /* handshakes still queued need not start */
    for (int i = 0; i < rd->nslots; i++) gate_done(&rd->slots[i].ticket); /* not awaited */
    gate_wake();
    copy_out(rd, o, settled);
    round_release_locked(rd);
    free(scratch);
    if (err) return ri_fail(e, EX_OSERR, "probe round: cannot start threads: %s", strerror(err));
    return tls_ready(e); /* a background build's failure is the round's (tls.h) */
}

void round_forget(struct observations *o) {
    for (int i = 0; i < o->n_redis; i++) {
        struct peer_common p = o->redis[i].p;
        memset(&o->redis[i], 0, sizeof o->redis[i]);
        o->redis[i].p = p;
    }
    for (int i = 0; i < o->n_sentinels; i++) {
        struct peer_common p = o->sentinels[i].p;
        memset(&o->sentinels[i], 0, sizeof o->sentinels[i]);
        o->sentinels[i].p = p;
    }
}
