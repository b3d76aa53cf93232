/* gate.c: admission to TLS handshakes (see gate.h).
 *
 * One process-wide queue: the CPU it shares out is the process's. Waiters
 * sleep on one condition variable and each checks the rule for itself on
 * every change; there are at most a few dozen. */
#include "net/gate.h"

#include <unistd.h>

#include "base/clock.h"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_once_t once;
    clockid_t clock;           /* the clock cv waits on */
    int width, active, needed; /* needed: gate_need() minus gate_done() */
    double patience;
    unsigned long seq;
    struct gate_ticket *waiting;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT};

int gate_width(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > 8 ? 8 : (int)n;
}

static void init(void) {
    g.clock = cond_init_monotonic(&g.cv);
    g.width = gate_width();
    g.patience = GATE_PATIENCE_MS;
}

int gate_rule(int active, int width, int better, int needed, int speculative, double waited_ms,
              double patience_ms) {
    if (waited_ms >= patience_ms) return 1;
    return active < width && better == 0 && !(speculative && needed > 0);
}

static int ahead(const struct gate_ticket *a, const struct gate_ticket *b) {
    int pa = atomic_load(&a->prio), pb = atomic_load(&b->prio);
    return pa < pb || (pa == pb && a->seq < b->seq);
}

static int count_better(const struct gate_ticket *t) {
    int n = 0;
    for (const struct gate_ticket *w = g.waiting; w; w = w->next)
        if (w != t && ahead(w, t)) n++;
    return n;
}

static void unlink_ticket(struct gate_ticket *t) {
    for (struct gate_ticket **pp = &g.waiting; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

int gate_enter(struct gate_ticket *t, double deadline_ms) {
    pthread_once(&g.once, init);
    pthread_mutex_lock(&g.mu);
    t->seq = ++g.seq;
    t->since = mono_ms();
    t->next = g.waiting;
    g.waiting = t;
    int admitted = 0;
    for (;;) {
        double now = mono_ms();
        if ((t->stop && atomic_load(t->stop)) || now >= deadline_ms) break;
        int speculative = atomic_load(&t->prio) >= GATE_SPARE;
        if (gate_rule(g.active, g.width, count_better(t), g.needed, speculative, now - t->since,
                      g.patience)) {
            admitted = 1;
            break;
        }
        double wake = t->since + g.patience;
        if (wake > deadline_ms) wake = deadline_ms;
        struct timespec ts = clock_after_ms(g.clock, wake - now + 0.1);
        pthread_cond_timedwait(&g.cv, &g.mu, &ts);
    }
    unlink_ticket(t);
    g.active += admitted;
    pthread_cond_broadcast(&g.cv); /* those behind it move up */
    pthread_mutex_unlock(&g.mu);
    return admitted;
}

void gate_leave(void) {
    pthread_mutex_lock(&g.mu);
    g.active--;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
}

void gate_need(struct gate_ticket *t) {
    pthread_once(&g.once, init);
    pthread_mutex_lock(&g.mu);
    if (!t->needed) g.needed++;
    t->needed = 1;
    pthread_mutex_unlock(&g.mu);
}

void gate_done(struct gate_ticket *t) {
    pthread_once(&g.once, init);
    pthread_mutex_lock(&g.mu);
    if (t->needed) {
        g.needed--;
        t->needed = 0;
        pthread_cond_broadcast(&g.cv); /* speculative waiters look again */
    }
    pthread_mutex_unlock(&g.mu);
}

void gate_wake(void) {
    pthread_once(&g.once, init);
    pthread_mutex_lock(&g.mu);
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
}

void gate_set(int width, double patience_ms) {
    pthread_once(&g.once, init);
    pthread_mutex_lock(&g.mu);
    if (width > 0) g.width = width;
    if (patience_ms > 0) g.patience = patience_ms;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
}

int gate_needed(void) {
    pthread_mutex_lock(&g.mu);
    int n = g.needed;
    pthread_mutex_unlock(&g.mu);
    return n;
}

int gate_queued(void) {
    pthread_mutex_lock(&g.mu);
    int n = 0;
    for (const struct gate_ticket *w = g.waiting; w; w = w->next) n++;
    pthread_mutex_unlock(&g.mu);
    return n;
}
