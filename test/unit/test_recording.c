/* test_recording.c: when the agent rewrites the history record
 * (rules/recording.h), table-driven: which live states are recorded, a new
 * line at once, the offset once a second, the lineage of a restart. */
#include <string.h>

#include "checkmain.h"
#include "rules/recording.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccccccccccc"
#define NONE "0000000000000000000000000000000000000000"

struct rec { /* the record on disk; id NULL: none */
    const char *id;
    long long offset;
    const char *parent;
    long long parent_offset;
    int master;
};
struct live { /* what INFO said */
    enum outcome outcome;
    enum role role;
    int link_up, sync, loading;
    const char *replid;
    long long offset;
    const char *replid2;
    long long second_offset;
};

static const struct {
    const char *name;
    struct rec disk;
    double age_ms;
    struct live live;
    enum recording_verdict want;
    struct rec next; /* checked on LINE and OFFSET */
} rows[] = {
    {"no answer", {ID_A, 100, "", -1, 1}, 5000, {OUT_TIMEOUT, ROLE_UNKNOWN, 0, 0, 0, "", 0, "", -1},
     REC_SKIP, {0}},
    {"loading", {ID_A, 100, "", -1, 1}, 5000, {OUT_ANSWER, ROLE_MASTER, 0, 0, 1, ID_A, 100, NONE, -1},
     REC_SKIP, {0}},
    {"replica, link down", {ID_A, 100, "", -1, 0}, 5000,
     {OUT_ANSWER, ROLE_REPLICA, 0, 0, 0, ID_A, 120, NONE, -1}, REC_SKIP, {0}},
    {"replica in a full sync", {ID_A, 100, "", -1, 0}, 5000,
     {OUT_ANSWER, ROLE_REPLICA, 1, 1, 0, ID_B, 10, NONE, -1}, REC_SKIP, {0}},
    {"a beacon is no live state", {ID_A, 100, "", -1, 1}, 5000,
     {OUT_ANSWER, ROLE_INIT, 0, 0, 0, "", 0, "", -1}, REC_SKIP, {0}},
    {"no record yet: a master", {NULL, 0, "", -1, 0}, -1,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_A, 100, NONE, -1}, REC_LINE, {ID_A, 100, "", -1, 1}},
    {"no record yet: a linked replica", {NULL, 0, "", -1, 0}, -1,
     {OUT_ANSWER, ROLE_REPLICA, 1, 0, 0, ID_A, 90, NONE, -1}, REC_LINE, {ID_A, 90, "", -1, 0}},
    {"the same state", {ID_A, 100, "", -1, 1}, 5000,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_A, 100, NONE, -1}, REC_SAME, {0}},
    {"further on, the record is young", {ID_A, 100, "", -1, 1}, 999,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_A, 150, NONE, -1}, REC_SAME, {0}},
    {"further on, the record is a second old", {ID_A, 100, "", -1, 1}, 1000,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_A, 150, NONE, -1}, REC_OFFSET, {ID_A, 150, "", -1, 1}},
    {"further on, a record from the future counts as old", {ID_A, 100, "", -1, 1}, -5,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_A, 150, NONE, -1}, REC_OFFSET, {ID_A, 150, "", -1, 1}},
    {"promoted: the new line at once", {ID_A, 90, "", -1, 0}, 10,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_B, 95, ID_A, 91}, REC_LINE, {ID_B, 95, ID_A, 90, 1}},
    {"promoted, no write yet", {ID_A, 90, "", -1, 0}, 10,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_B, 90, ID_A, 91}, REC_LINE, {ID_B, 90, ID_A, 90, 1}},
    {"restarted master: its new id continues the record", {ID_A, 100, "", -1, 1}, 10,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_C, 0, NONE, -1}, REC_LINE, {ID_C, 0, ID_A, 100, 1}},
    {"restarted master further on: the link is kept", {ID_C, 10, ID_A, 100, 1}, 2000,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_C, 20, NONE, -1}, REC_OFFSET, {ID_C, 20, ID_A, 100, 1}},
    {"handed over: master to replica of the same line", {ID_B, 200, ID_A, 90, 1}, 10,
     {OUT_ANSWER, ROLE_REPLICA, 1, 0, 0, ID_B, 200, ID_A, 91}, REC_LINE, {ID_B, 200, ID_A, 90, 0}},
    {"an older writer's state is repaired", {ID_A, 90, "", -1, 0}, 5,
     {OUT_ANSWER, ROLE_MASTER, 0, 0, 0, ID_B, 300, ID_A, 91}, REC_LINE, {ID_B, 300, ID_A, 90, 1}},
};

static void fill(struct history *h, const struct rec *r) {
    memset(h, 0, sizeof *h);
    h->parent_offset = -1;
    if (!r->id) return;
    h->known = 1;
    strcpy(h->id, r->id);
    h->offset = r->offset;
    strcpy(h->parent_id, r->parent);
    h->parent_offset = r->parent_offset;
    h->was_master = r->master;
}

START_TEST(due) {
    struct history disk, next;
    struct redis_obs live;
    const struct live *l = &rows[_i].live;
    fill(&disk, &rows[_i].disk);
    memset(&live, 0, sizeof live);
    live.p.outcome = l->outcome;
    live.role = l->role;
    live.link_up = l->link_up;
    live.sync_in_progress = l->sync;
    live.loading = l->loading;
    if (l->role == ROLE_MASTER || l->role == ROLE_REPLICA)
        history_from_live(&live.hist, l->role == ROLE_MASTER, l->replid, l->offset, l->replid2,
                          l->second_offset);
    enum recording_verdict got = recording_due(&disk, &live, rows[_i].age_ms, &next);
    ck_assert_msg(got == rows[_i].want, "%s: %s, want %s", rows[_i].name,
                  recording_verdict_name(got), recording_verdict_name(rows[_i].want));
    if (got != REC_LINE && got != REC_OFFSET) return;
    struct history want;
    fill(&want, &rows[_i].next);
    ck_assert_msg(next.known && strcmp(next.id, want.id) == 0 && next.offset == want.offset &&
                      strcmp(next.parent_id, want.parent_id) == 0 &&
                      next.parent_offset == want.parent_offset && next.was_master == want.was_master,
                  "%s: next %.8s@%lld from %.8s@%lld master %d", rows[_i].name, next.id, next.offset,
                  next.parent_id, next.parent_offset, next.was_master);
}
END_TEST

START_TEST(names) {
    ck_assert_str_eq(recording_verdict_name(REC_SKIP), "skip");
    ck_assert_str_eq(recording_verdict_name(REC_LINE), "line");
    ck_assert_str_eq(recording_verdict_name((enum recording_verdict)7), "unknown");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("recording");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, due, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
