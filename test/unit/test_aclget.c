/* test_aclget.c: aclget_parse() over ACL GETUSER replies as Redis 7 / Valkey
 * (channels a string) and Redis 6.2 (a list) give them, the nil of a user
 * that does not exist, and replies it must refuse; aclget_has(). */
#include <check.h>
#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/sha256.h"
#include "checkmain.h"
#include "net/aclget.h"

/* A tiny builder of hiredis replies (hiredis frees nothing here). */
static redisReply pool[64];
static redisReply *ptrs[64];
static int used;

static redisReply *node(int type) {
    redisReply *r = &pool[used++];
    memset(r, 0, sizeof *r);
    r->type = type;
    return r;
}
static redisReply *str(const char *s) {
    redisReply *r = node(REDIS_REPLY_STRING);
    r->str = (char *)s;
    r->len = strlen(s);
    return r;
}
/* An array of the n replies given. */
static redisReply *arr(int n, ...) {
    redisReply *r = node(REDIS_REPLY_ARRAY);
    va_list ap;
    va_start(ap, n);
    r->element = &ptrs[used];
    for (int i = 0; i < n; i++) ptrs[used + i] = va_arg(ap, redisReply *);
    used += n; /* the pointers share the pool's index space */
    va_end(ap);
    r->elements = (size_t)n;
    return r;
}

#define H1 "a4a39a1c2b42d94b4d1b2bd8bc4c5e0d4d8a5a6e8e0a8f6c2c7d9e1f0a1b2c3d"
#define H2 "0000000000000000000000000000000000000000000000000000000000000001"

START_TEST(redis7_marker) {
    used = 0;
    redisReply *r = arr(12, str("flags"), arr(1, str("off")), str("passwords"), arr(0),
                        str("commands"), str("-@all"), str("keys"), str(""), str("channels"),
                        str("&redis-init:3f2a9c1d07e4:use &redis-init:3f2a9c1d07e4:finish"),
                        str("selectors"), arr(0));
    struct aclget_user u;
    char ch[256];
    ck_assert_int_eq(aclget_parse(r, &u, ch, sizeof ch), 0);
    ck_assert(u.exists && u.n == 0);
    ck_assert_str_eq(ch, "&redis-init:3f2a9c1d07e4:use &redis-init:3f2a9c1d07e4:finish");
}
END_TEST

START_TEST(redis62_lists) {
    used = 0;
    redisReply *r = arr(10, str("flags"), arr(1, str("on")), str("passwords"), arr(2, str(H1), str(H2)),
                        str("commands"), str("+@all"), str("keys"), arr(1, str("*")), str("channels"),
                        arr(2, str("&a"), str("&b")));
    struct aclget_user u;
    char ch[256];
    ck_assert_int_eq(aclget_parse(r, &u, ch, sizeof ch), 0);
    ck_assert(u.exists && u.n == 2 && !u.more);
    ck_assert_str_eq(u.hashes[1], H2);
    ck_assert_str_eq(ch, "&a &b");
}
END_TEST

START_TEST(nil_is_no_user) {
    used = 0;
    struct aclget_user u;
    ck_assert_int_eq(aclget_parse(node(REDIS_REPLY_NIL), &u, NULL, 0), 0);
    ck_assert(!u.exists && u.n == 0);
}
END_TEST

START_TEST(many_hashes) {
    used = 0;
    redisReply *r = arr(2, str("passwords"), arr(5, str(H1), str(H1), str(H1), str(H1), str(H2)));
    struct aclget_user u;
    ck_assert_int_eq(aclget_parse(r, &u, NULL, 0), 0);
    ck_assert(u.n == ACLGET_MAX_HASHES && u.more);
}
END_TEST

START_TEST(refused) {
    struct aclget_user u;
    char ch[8];
    used = 0;
    ck_assert_int_eq(aclget_parse(str("OK"), &u, NULL, 0), -1);                  /* not a list */
    ck_assert_int_eq(aclget_parse(arr(2, str("flags"), arr(0)), &u, NULL, 0), -1); /* no passwords */
    ck_assert_int_eq(aclget_parse(arr(2, str("passwords"), arr(1, str("short"))), &u, NULL, 0), -1);
    ck_assert_int_eq(aclget_parse(arr(4, str("passwords"), arr(0), str("channels"),
                                      str("&far-too-long-for-it")),
                                  &u, ch, sizeof ch),
                     -1);
}
END_TEST

START_TEST(has) {
    struct aclget_user u = {.exists = 1, .n = 1};
    unsigned char h[32];
    sha256("new-pw", 6, h);
    hex_encode(h, 32, u.hashes[0]);
    ck_assert(aclget_has(&u, h));
    sha256("old-pw", 6, h);
    ck_assert(!aclget_has(&u, h));
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("aclget");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, redis7_marker);
    tcase_add_test(tc, redis62_lists);
    tcase_add_test(tc, nil_is_no_user);
    tcase_add_test(tc, many_hashes);
    tcase_add_test(tc, refused);
    tcase_add_test(tc, has);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
