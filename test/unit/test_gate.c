/* test_gate.c: admission to TLS handshakes (lib/net/gate.h): the rule as a
 * table, then real threads queued behind a held place, admitted in order of
 * priority and arrival, promoted while waiting, dropped when not wanted or
 * late, let through by patience, and speculative ones held while a needed
 * one is in progress. Each queued thread is started only
 * after the previous one is seen waiting, so arrival order is known. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>

#include "base/clock.h"
#include "checkmain.h"
#include "net/gate.h"

static const struct {
    int active, width, better, needed, speculative;
    double waited, patience;
    int want;
} rules[] = {
    {0, 2, 0, 0, 0, 0, 100, 1},   /* a free place, nobody ahead */
    {1, 2, 0, 1, 0, 0, 100, 1},   /* one place left, a needed one beside it */
    {2, 2, 0, 0, 0, 0, 100, 0},   /* full */
    {0, 2, 1, 0, 0, 0, 100, 0},   /* free, but someone better waits */
    {2, 2, 3, 0, 0, 99, 100, 0},  /* full, not yet patient */
    {2, 2, 3, 0, 0, 100, 100, 1}, /* patience runs out: goes anyway */
    {9, 2, 0, 0, 0, 250, 100, 1}, /* over width already, still goes */
    {1, 2, 0, 1, 1, 0, 100, 0},   /* speculative, a needed one in progress: waits */
    {1, 2, 0, 0, 1, 0, 100, 1},   /* speculative, the one in progress is speculative too */
    {0, 2, 0, 0, 1, 0, 100, 1},   /* speculative, nothing in progress */
    {1, 2, 0, 1, 1, 100, 100, 1}, /* speculative, patience runs out: goes anyway */
};

START_TEST(rule_table) {
    ck_assert_int_eq(gate_rule(rules[_i].active, rules[_i].width, rules[_i].better,
                               rules[_i].needed, rules[_i].speculative, rules[_i].waited,
                               rules[_i].patience),
                     rules[_i].want);
}
END_TEST

struct waiter {
    pthread_t th;
    struct gate_ticket t;
    atomic_int stop;
    double deadline;
    int id;
    int got;     /* gate_enter's result */
    double took; /* ms in gate_enter */
    double end;  /* when gate_enter returned */
};

static pthread_mutex_t order_mu = PTHREAD_MUTEX_INITIALIZER;
static int order[8], norder;

static void *wait_turn(void *arg) {
    struct waiter *w = arg;
    double t0 = mono_ms();
    w->got = gate_enter(&w->t, w->deadline);
    w->end = mono_ms();
    w->took = w->end - t0;
    if (!w->got) return NULL;
    pthread_mutex_lock(&order_mu);
    order[norder++] = w->id;
    pthread_mutex_unlock(&order_mu);
    gate_leave();
    return NULL;
}

/* Start w[i] with prio p[i], one after another, each once the previous is queued. */
static void queue_all(struct waiter *w, const int *p, int n, double deadline_ms) {
    int before = gate_queued();
    for (int i = 0; i < n; i++) {
        w[i].id = i;
        atomic_init(&w[i].stop, 0);
        atomic_init(&w[i].t.prio, p[i]);
        w[i].t.stop = &w[i].stop;
        w[i].deadline = mono_ms() + deadline_ms;
        ck_assert_int_eq(pthread_create(&w[i].th, NULL, wait_turn, &w[i]), 0);
        double t0 = mono_ms();
        while (gate_queued() < before + i + 1) {
            ck_assert_msg(mono_ms() - t0 < 5000, "waiter %d never queued", i);
            sleep_ms(1);
        }
    }
}

/* Width 1 with that patience, and take its only place (release_the_gate
 * frees it). */
static struct gate_ticket held = {.stop = NULL};
static void hold_the_gate(double patience_ms) {
    atomic_init(&held.prio, GATE_SENTINEL);
    gate_set(1, patience_ms);
    norder = 0;
    gate_need(&held);
    ck_assert_int_eq(gate_enter(&held, mono_ms() + 1000), 1);
}
static void release_the_gate(void) {
    gate_leave();
    gate_done(&held);
}

/* Hold the only place; queue; release; join; the admission order by index. */
static void run_order(const int *prio, int n, int promote, const int *want) {
    struct waiter w[8] = {0};
    hold_the_gate(10000);
    queue_all(w, prio, n, 10000);
    if (promote >= 0) {
        atomic_store(&w[promote].t.prio, GATE_NAMED);
        gate_wake();
    }
    release_the_gate();
    for (int i = 0; i < n; i++) pthread_join(w[i].th, NULL);
    ck_assert_int_eq(norder, n);
    for (int i = 0; i < n; i++)
        ck_assert_msg(order[i] == want[i], "admission %d: waiter %d, want %d", i, order[i],
                      want[i]);
}

START_TEST(priority_then_arrival) {
    const int prio[] = {GATE_OTHER, GATE_SENTINEL, GATE_OTHER, GATE_SPARE, GATE_NAMED, GATE_SENTINEL};
    const int want[] = {1, 5, 4, 3, 0, 2};
    run_order(prio, 6, -1, want);
}
END_TEST

START_TEST(promoted_while_waiting) {
    const int prio[] = {GATE_OTHER, GATE_OTHER, GATE_OTHER};
    const int want[] = {2, 0, 1};
    run_order(prio, 3, 2, want);
}
END_TEST

START_TEST(not_wanted_leaves_without_a_place) {
    struct waiter w[1] = {0};
    hold_the_gate(10000);
    const int prio[] = {GATE_SENTINEL};
    queue_all(w, prio, 1, 10000);
    atomic_store(&w[0].stop, 1);
    gate_wake();
    pthread_join(w[0].th, NULL);
    ck_assert_int_eq(w[0].got, 0);
    ck_assert_msg(w[0].took < 5000, "took %.0f ms to notice", w[0].took);
    release_the_gate();
    /* the place it did not take is free: a newcomer gets it at once */
    struct gate_ticket next = {.stop = NULL};
    atomic_init(&next.prio, GATE_OTHER);
    ck_assert_int_eq(gate_enter(&next, mono_ms() + 1000), 1);
    gate_leave();
}
END_TEST

START_TEST(deadline_passes_in_the_queue) {
    struct waiter w[1] = {0};
    hold_the_gate(10000);
    const int prio[] = {GATE_SENTINEL};
    queue_all(w, prio, 1, 50);
    pthread_join(w[0].th, NULL);
    release_the_gate();
    ck_assert_int_eq(w[0].got, 0);
    ck_assert_msg(w[0].end >= w[0].deadline, "gave up %.2f ms before its deadline",
                  w[0].deadline - w[0].end);
}
END_TEST

START_TEST(patience_lets_a_waiter_through) {
    struct waiter w[1] = {0};
    hold_the_gate(30);
    const int prio[] = {GATE_OTHER};
    queue_all(w, prio, 1, 10000);
    pthread_join(w[0].th, NULL); /* while the place is still held */
    release_the_gate();
    ck_assert_int_eq(w[0].got, 1);
    ck_assert_msg(w[0].took >= 29, "admitted after %.1f ms, before its patience", w[0].took);
}
END_TEST

/* Width 2, one place taken by a needed handshake: a spare and another pod
 * wait although a place is free, until the needed one leaves; a sentinel
 * (needed) arriving meanwhile takes the free place at once. */
START_TEST(speculative_waits_for_the_needed) {
    struct waiter w[3] = {0};
    hold_the_gate(10000);
    gate_set(2, 0);
    const int prio[] = {GATE_SPARE, GATE_OTHER};
    queue_all(w, prio, 2, 10000);
    sleep_ms(20);
    ck_assert_int_eq(norder, 0);
    ck_assert_int_eq(gate_queued(), 2);
    w[2].id = 2; /* admitted at once: never seen queued */
    atomic_init(&w[2].t.prio, GATE_SENTINEL);
    w[2].deadline = mono_ms() + 10000;
    ck_assert_int_eq(pthread_create(&w[2].th, NULL, wait_turn, &w[2]), 0);
    pthread_join(w[2].th, NULL);
    ck_assert_int_eq(w[2].got, 1);
    ck_assert_int_eq(gate_queued(), 2); /* the needed one came and went; the held one stays */
    gate_set(1, 0);                     /* one at a time from here: the order is known */
    release_the_gate();
    pthread_join(w[0].th, NULL);
    pthread_join(w[1].th, NULL);
    ck_assert_int_eq(norder, 3);
    ck_assert_int_eq(order[0], 2);
    ck_assert_int_eq(order[1], 0);
    ck_assert_int_eq(order[2], 1);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("gate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, rule_table, 0, (int)(sizeof rules / sizeof rules[0]));
    tcase_add_test(tc, priority_then_arrival);
    tcase_add_test(tc, promoted_while_waiting);
    tcase_add_test(tc, not_wanted_leaves_without_a_place);
    tcase_add_test(tc, deadline_passes_in_the_queue);
    tcase_add_test(tc, patience_lets_a_waiter_through);
    tcase_add_test(tc, speculative_waits_for_the_needed);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
