/* test_history.c: replication histories (lib/model/history.h) and the beacon's
 * INFO text (lib/net/beacon.h), table-driven.
 *
 * A history is written "ID@OFF" with an optional "<PID@POFF" parent and a
 * trailing "*" when recorded as master: "b@500<a@400*". IDs are one letter,
 * expanded to 40 characters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkmain.h"
#include "net/beacon.h"
#include "model/history.h"
#include "net/info.h"

static void expand(char dst[HISTORY_ID_MAX], char c)
{
    memset(dst, c, HISTORY_ID_MAX - 1);
    dst[HISTORY_ID_MAX - 1] = '\0';
}

static struct history H(const char *spec)
{
    struct history h;
    memset(&h, 0, sizeof h);
    h.parent_offset = -1;
    if (!spec || !spec[0])
        return h;
    h.known = 1;
    expand(h.id, spec[0]);
    h.offset = atoll(spec + 2);
    const char *lt = strchr(spec, '<');
    if (lt) {
        expand(h.parent_id, lt[1]);
        h.parent_offset = atoll(lt + 3);
    }
    h.was_master = strchr(spec, '*') != NULL;
    return h;
}

/* ---- history_newest ---- */

struct newest_row {
    const char *name;
    const char *h[4];
    enum newest_verdict want;
    int pick;
};

static const struct newest_row newest_rows[] = {
    {"none", {NULL}, NEWEST_NONE, -1},
    {"one", {"a@5"}, NEWEST_ONE, 0},
    {"promoted beats the old master it came from", {"a@450*", "b@500<a@400*", "b@480"},
     NEWEST_ONE, 1},
    {"promoted beats the old master even with a stale record", {"a@450*", "b@10<a@400*"},
     NEWEST_ONE, 1},
    {"a replica of the new line alone does not link it to the old one", {"a@450*", "b@480"}, NEWEST_DIVERGED, -1},
    {"a replica that links the lines", {"a@450*", "b@480<a@400"}, NEWEST_ONE, 1},
    {"on one line the master beats a fresher replica", {"a@120", "a@100*", "a@90"}, NEWEST_ONE,
     1},
    {"no master on the line: highest offset", {"a@100", "a@120", "a@90"}, NEWEST_ONE, 1},
    {"ties: lowest index", {"a@100", "a@100"}, NEWEST_ONE, 0},
    {"chain of two failovers", {"a@300*", "b@850<a@250*", "c@900<b@800*"}, NEWEST_ONE, 2},
    {"chain, ends given first", {"c@900<b@800*", "a@300*", "b@850<a@250"}, NEWEST_ONE, 0},
    {"a restarted master links its new id to its record", {"r@40<a@500*", "a@480"}, NEWEST_ONE,
     0},
    {"two unlinked lines", {"a@100*", "b@100*"}, NEWEST_DIVERGED, -1},
    {"an unknown history cannot be ranked", {"a@100*", ""}, NEWEST_UNKNOWN, -1},
    {"a cycle is not ranked", {"a@1<b@1", "b@1<a@1"}, NEWEST_DIVERGED, -1},
};

START_TEST(test_newest)
{
    const struct newest_row *w = &newest_rows[_i];
    struct history h[4];
    int n = 0, pick, a, b;
    while (n < 4 && w->h[n]) {
        h[n] = H(w->h[n]);
        n++;
    }
    enum newest_verdict v = history_newest(h, n, &pick, &a, &b);
    ck_assert_msg(v == w->want, "%s: verdict %d, want %d", w->name, v, w->want);
    ck_assert_msg(pick == w->pick, "%s: pick %d, want %d", w->name, pick, w->pick);
    if (v == NEWEST_DIVERGED)
        ck_assert_msg(a >= 0 && b >= 0, "%s: conflict %d %d", w->name, a, b);
    if (v == NEWEST_UNKNOWN)
        ck_assert_msg(a >= 0 && !h[a].known, "%s: unknown index %d", w->name, a);
}
END_TEST

/* ---- history_refresh ---- */

struct refresh_row {
    const char *name;
    const char *old, *live, *want;
};

static const struct refresh_row refresh_rows[] = {
    {"first record", "", "a@5*", "a@5*"},
    {"same master moves on, keeps its link", "a@5<z@3*", "a@9*", "a@9<z@3*"},
    {"a restart: a new id with no link continues the record", "a@500*", "r@40*", "r@40<a@500*"},
    {"a promotion links itself", "a@500", "b@600<a@550*", "b@600<a@550*"},
    {"a replica records what it reports", "a@500*", "b@600", "b@600"},
    {"a replica after a restart as master forgets nothing it holds", "r@40<a@500*", "r@90",
     "r@90"},
};

static int same(const struct history *a, const struct history *b)
{
    return a->known == b->known && strcmp(a->id, b->id) == 0 && a->offset == b->offset &&
           strcmp(a->parent_id, b->parent_id) == 0 &&
           (!a->parent_id[0] || a->parent_offset == b->parent_offset) &&
           a->was_master == b->was_master;
}

START_TEST(test_refresh)
{
    const struct refresh_row *w = &refresh_rows[_i];
    struct history old = H(w->old), live = H(w->live), want = H(w->want), got;
    history_refresh(&old, &live, &got);
    char g[128], x[128];
    history_describe(&got, g, sizeof g);
    history_describe(&want, x, sizeof x);
    ck_assert_msg(same(&got, &want), "%s: got %s, want %s", w->name, g, x);
}
END_TEST

START_TEST(test_from_live)
{
    struct history h;
    char id[HISTORY_ID_MAX], zero[HISTORY_ID_MAX], other[HISTORY_ID_MAX];
    expand(id, 'b');
    expand(zero, '0');
    expand(other, 'a');
    history_from_live(&h, 1, id, 700, zero, -1);
    ck_assert(h.known && h.was_master && h.offset == 700 && h.parent_id[0] == '\0');
    /* second_repl_offset is the first byte of the new history. */
    history_from_live(&h, 0, id, 700, other, 401);
    ck_assert_str_eq(h.parent_id, other);
    ck_assert_int_eq(h.parent_offset, 400);
    history_from_live(&h, 1, "", 0, NULL, -1);
    ck_assert(!h.known);
}
END_TEST

START_TEST(test_contains)
{
    struct history a = H("b@500<a@400*"), b = H("a@300"), c = H("a@450"), d = H("b@501");
    ck_assert(history_contains(&a, &b));
    ck_assert(!history_contains(&a, &c));
    ck_assert(!history_contains(&a, &d));
    struct history e = H("b@500");
    ck_assert(history_contains(&d, &e));
}
END_TEST

/* ---- the record file ---- */

START_TEST(test_format_parse_roundtrip)
{
    struct history h = H("b@500<a@400*"), back;
    char buf[512], why[160];
    h.written_ms = 1764633600123LL;
    ck_assert_int_gt(history_format(&h, buf, sizeof buf), 0);
    ck_assert_int_eq(history_parse(buf, &back, why, sizeof why), 0);
    ck_assert(same(&h, &back));
    ck_assert(back.written_ms == h.written_ms);
}
END_TEST

struct bad_row {
    const char *text, *why;
};

static const struct bad_row bad_rows[] = {
    {"", "no replid"},
    {"replid abc\n", "no offset"},
    {"replid xyz\noffset 1\n", "line 1"},
    {"replid abc\noffset -1\n", "line 2"},
    {"replid abc\noffset 1\nrole boss\n", "line 3"},
    {"version 2\nreplid abc\noffset 1\n", "line 1"},
    {"replid abc\noffset 12x\n", "line 2"},
};

START_TEST(test_parse_rejects)
{
    struct history h;
    char why[160];
    ck_assert_int_eq(history_parse(bad_rows[_i].text, &h, why, sizeof why), -1);
    ck_assert_msg(strstr(why, bad_rows[_i].why), "why '%s', want '%s'", why, bad_rows[_i].why);
    ck_assert(!h.known);
}
END_TEST

START_TEST(test_write_read)
{
    char dir[] = "/tmp/ri-history-XXXXXX", why[160];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct history h = H("c@9<b@8*"), back;
    ri_err e = {0};
    history_read(dir, &back, why, sizeof why);
    ck_assert(!back.known && why[0] == '\0');          /* no record yet: no complaint */
    ck_assert_int_eq(history_write(dir, &h, &e), 0);
    ck_assert(h.written_ms > 0);
    history_read(dir, &back, why, sizeof why);
    ck_assert(same(&h, &back) && why[0] == '\0');
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, HISTORY_FILE);
    FILE *f = fopen(path, "w");
    fputs("replid nothex\n", f);
    fclose(f);
    history_read(dir, &back, why, sizeof why);
    ck_assert(!back.known && strstr(why, "line 1"));
    remove(path);
    rmdir(dir);
}
END_TEST

/* ---- the beacon's INFO, read back by the prober's parser ---- */

START_TEST(test_beacon_info_roundtrip)
{
    struct history h = H("b@500<a@400*");
    h.written_ms = 42;
    char text[1024];
    ck_assert_int_gt(beacon_info_text(text, sizeof text, "replication", 1, &h), 0);
    struct redis_obs r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(info_parse_replication(text, &r), 0);
    ck_assert_int_eq(r.role, ROLE_INIT);
    ck_assert_int_eq(r.init_has_data, 1);
    ck_assert(same(&r.hist, &h));
    ck_assert(r.hist.written_ms == 42);
    /* Without a record: a deciding pod with no history. */
    struct history none = H("");
    beacon_info_text(text, sizeof text, NULL, 0, &none);
    ck_assert_int_eq(info_parse_replication(text, &r), 0);
    ck_assert(r.role == ROLE_INIT && !r.init_has_data && !r.hist.known);
    ck_assert_int_eq(info_parse_loading(text), 0);
    ck_assert(strstr(text, "# Keyspace") && strstr(text, "redis_init_beacon:1"));
}
END_TEST

START_TEST(test_live_info_fills_history)
{
    const char *text = "# Replication\r\nrole:master\r\nmaster_replid:"
                       "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\nmaster_replid2:"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nmaster_repl_offset:900\r\n"
                       "second_repl_offset:401\r\nri_replid:cccc\r\n";
    struct redis_obs r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(info_parse_replication(text, &r), 0);
    struct history want = H("b@900<a@400*");
    ck_assert(same(&r.hist, &want));      /* ri_ fields of a real server are ignored */
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("history");
    TCase *tc = tcase_create("history");
    tcase_add_loop_test(tc, test_newest, 0, (int)(sizeof newest_rows / sizeof newest_rows[0]));
    tcase_add_loop_test(tc, test_refresh, 0, (int)(sizeof refresh_rows / sizeof refresh_rows[0]));
    tcase_add_test(tc, test_from_live);
    tcase_add_test(tc, test_contains);
    tcase_add_test(tc, test_format_parse_roundtrip);
    tcase_add_loop_test(tc, test_parse_rejects, 0, (int)(sizeof bad_rows / sizeof bad_rows[0]));
    tcase_add_test(tc, test_write_read);
    tcase_add_test(tc, test_beacon_info_roundtrip);
    tcase_add_test(tc, test_live_info_fills_history);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
