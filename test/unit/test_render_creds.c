/* test_render_creds.c: what a pod renders in the middle of a live
 * credential rotation (issue 21): users.acl keeps the old password hash
 * beside the new one in accept and use, adds the marker in every phase, and
 * the outbound passwords are the old generation's only in accept. Without
 * a rotation the files are byte-identical to a render with no state. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmain.h"
#include "render_fixture.h"
#include "base/sha256.h"
#include "config/acl.h"
#include "config/credstate.h"
#include "engine/render.h"

#define SECRETS_FMT                                                                              \
    "{\"REPLICA_USERNAME\": \"replica-user\", \"REPLICA_PASSWORD\": \"%s\","                    \
    " \"SENTINEL_USERNAME\": \"sentinel-user\", \"SENTINEL_PASSWORD\": \"%s\","                 \
    " \"SENTINEL_SYNC_USERNAME\": \"sentinel-sync\", \"SENTINEL_SYNC_PASSWORD\": \"%s\","       \
    " \"ADMIN_USERNAME\": \"admin\", \"ADMIN_PASSWORD\": \"admin-pass\","                       \
    " \"SERVICE_USERNAME\": \"api_service\", \"SERVICE_PASSWORD\": \"api-pass\"}"

#define GEN "0123456789ab"

static struct secrets *secrets_of(const char *repl, const char *sent, const char *sync) {
    char buf[2048];
    snprintf(buf, sizeof buf, SECRETS_FMT, repl, sent, sync);
    return secrets_from_text(buf);
}


static void hash_hex(const char *pass, char out[66]) { acl_hash(pass, strlen(pass), out); }

/* The state of a rotation from the "old-*" passwords to the "new-*" ones
 * (admin and service unchanged), at phase. */
static void state_at(struct creds_state *cs, enum creds_phase phase) {
    struct secrets *old = secrets_of("old-repl", "old-sent", "old-sync");
    struct settings s;
    ri_err e = {0};
    make_settings(&s, "redis-cluster-server-0");
    memset(cs, 0, sizeof *cs);
    snprintf(cs->gen, sizeof cs->gen, "%s", GEN);
    cs->phase = phase;
    ck_assert_msg(creds_collect(old, &s, &cs->old_users, &e) == 0, "%s", e.msg);
    cs->old_login = old;
}

static const char *text_of(struct rendered *r, int i) {
    buf_append(&r->bufs[i], "", 1);
    r->bufs[i].len--;
    return r->bufs[i].data;
}

static void render_at(int sentinel, const struct creds_state *cs, struct rendered *r) {
    struct settings s;
    ri_err e = {0};
    struct secrets *sec = secrets_of("new-repl", "new-sent", "new-sync");
    make_settings(&s, sentinel ? "redis-cluster-sentinel-0" : "redis-cluster-server-1");
    struct role_target t = {.action = sentinel ? ACT_MONITOR : ACT_FOLLOW,
                            .host = "redis-cluster-server-0.x",
                            .port = 6379,
                            .rule = "T"};
    int rc = sentinel ? render_sentinel(&s, sec, cs, &t, r, &e)
                      : render_redis(&s, sec, cs, &t, r, &e);
    ck_assert_msg(rc == 0, "%s", e.msg);
    secrets_free(sec);
}

/* One row: a file of a member at a phase holds (or not) a fragment. */
static const struct {
    int sentinel;
    enum creds_phase phase;
    int file;            /* 0: the conf, 1: users.acl */
    const char *holds;   /* "@new-repl"/"@old-sent"...: that password's hash */
    const char *user;    /* ...on this user's line; NULL: anywhere in the file */
    int present;
} rows[] = {
    /* users.acl: both hashes of a changed user in accept and use, the new alone after */
    {0, CREDS_ACCEPT, 1, "@old-repl", "user replica-user on ", 1},
    {0, CREDS_ACCEPT, 1, "@new-repl", "user replica-user on ", 1},
    {0, CREDS_USE, 1, "@old-repl", "user replica-user on ", 1},
    {0, CREDS_DONE, 1, "@old-repl", "user replica-user on ", 0},
    {0, CREDS_DONE, 1, "@new-repl", "user replica-user on ", 1},
    {1, CREDS_ACCEPT, 1, "@old-sync", "user sentinel-sync on ", 1},
    {1, CREDS_USE, 1, "@new-sync", "user sentinel-sync on ", 1},
    {1, CREDS_DONE, 1, "@old-sync", "user sentinel-sync on ", 0},
    /* an unchanged user keeps its one hash */
    {0, CREDS_ACCEPT, 1, "@api-pass", "user api_service on ", 1},
    /* the marker, in every phase */
    {0, CREDS_ACCEPT, 1,
     "user redis-init-creds off resetpass resetkeys -@all resetchannels &redis-init:" GEN ":accept\n",
     NULL, 1},
    {1, CREDS_USE, 1,
     "user redis-init-creds off resetpass resetkeys -@all resetchannels &redis-init:" GEN ":use\n",
     NULL, 1},
    {0, CREDS_DONE, 1, "&redis-init:" GEN ":done\n", NULL, 1},
    /* outbound: the old generation's in accept only */
    {0, CREDS_ACCEPT, 0, "masterauth \"old-repl\"", NULL, 1},
    {0, CREDS_USE, 0, "masterauth \"new-repl\"", NULL, 1},
    {0, CREDS_DONE, 0, "masterauth \"new-repl\"", NULL, 1},
    {1, CREDS_ACCEPT, 0, "auth-pass mymaster \"old-sent\"", NULL, 1},
    {1, CREDS_ACCEPT, 0, "sentinel-pass \"old-sync\"", NULL, 1},
    {1, CREDS_USE, 0, "auth-pass mymaster \"new-sent\"", NULL, 1},
    {1, CREDS_USE, 0, "sentinel-pass \"new-sync\"", NULL, 1},
};

START_TEST(rotation_rows) {
    struct creds_state cs;
    struct rendered r;
    state_at(&cs, rows[_i].phase);
    render_at(rows[_i].sentinel, &cs, &r);
    const char *text = text_of(&r, rows[_i].file);
    char want[256], line[4096] = "";
    if (rows[_i].holds[0] == '@') hash_hex(rows[_i].holds + 1, want);
    else snprintf(want, sizeof want, "%s", rows[_i].holds);
    const char *hay = text;
    if (rows[_i].user) {
        const char *p = strstr(text, rows[_i].user);
        ck_assert_msg(p != NULL, "row %d: no line %s", _i, rows[_i].user);
        snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
        hay = line;
    }
    ck_assert_msg((strstr(hay, want) != NULL) == rows[_i].present, "row %d: %s %s in:\n%s", _i,
                  rows[_i].holds, rows[_i].present ? "missing" : "present", hay);
    rendered_free(&r);
    credstate_free(&cs);
}
END_TEST

/* No state, or a state with no generation: the same bytes as before. */
START_TEST(no_rotation_same_bytes) {
    struct creds_state none;
    memset(&none, 0, sizeof none);
    for (int sentinel = 0; sentinel < 2; sentinel++) {
        struct rendered a, b;
        render_at(sentinel, NULL, &a);
        render_at(sentinel, &none, &b);
        for (int i = 0; i < 2; i++) {
            ck_assert_uint_eq(a.bufs[i].len, b.bufs[i].len);
            ck_assert(memcmp(a.bufs[i].data, b.bufs[i].data, a.bufs[i].len) == 0);
        }
        ck_assert(strstr(text_of(&a, 1), CREDS_MARKER_USER) == NULL);
        rendered_free(&a);
        rendered_free(&b);
    }
}
END_TEST

/* users.acl alone is the same as the one render_redis writes. */
START_TEST(acl_file_alone_matches) {
    struct creds_state cs;
    struct rendered full, alone;
    struct settings s;
    ri_err e = {0};
    state_at(&cs, CREDS_USE);
    for (int sentinel = 0; sentinel < 2; sentinel++) {
        render_at(sentinel, &cs, &full);
        struct secrets *sec = secrets_of("new-repl", "new-sent", "new-sync");
        make_settings(&s, sentinel ? "redis-cluster-sentinel-0" : "redis-cluster-server-1");
        ck_assert_msg(render_acl_file(&s, sec, &cs, sentinel, &alone, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(alone.n, 1);
        ck_assert_str_eq(alone.files[0].name, "users.acl");
        ck_assert_str_eq(text_of(&alone, 0), text_of(&full, 1));
        secrets_free(sec);
        rendered_free(&full);
        rendered_free(&alone);
    }
    credstate_free(&cs);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("render_creds");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, rotation_rows, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, no_rotation_same_bytes);
    tcase_add_test(tc, acl_file_alone_matches);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(suite)
