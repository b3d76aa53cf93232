/* test_localdata_servers.c: rdb_inspect and localdata_inspect on files
 * written by Redis 8.0 and Valkey 8.1 (test/fixtures/rdb/redis8, valkey8:
 * made by test/fixtures/rdb/make-fixtures.sh, see the README there), and the
 * Valkey 9 magic ("VALKEY080") on crafted bytes. Redis 8.0 writes RDB 12,
 * Valkey 8.1 RDB 11 with a "valkey-ver" aux field instead of "redis-ver";
 * repl-id and repl-offset are the same aux fields on all of them
 * (docs/servers.md). Run from the repository root. */
#include "checkmain.h"
#include "model/localdata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX "test/fixtures/rdb"
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* An exact-size heap copy, so ASan sees any read past len. */
static void inspect_exact(const void *bytes, size_t len, struct rdb_info *ri) {
    unsigned char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len) memcpy(p, bytes, len);
    rdb_inspect(p, len, ri);
    free(p);
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s (run from the repository root)", path, strerror(errno));
    unsigned char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* ---- files written by the servers ---- */

struct fixture_case {
    const char *file;
    const char *magic;      /* the first 9 bytes */
    int has_keys;
    const char *replid;
    long long offset;
};

#define R8 FIX "/redis8"
#define V8 FIX "/valkey8"
static const struct fixture_case fixture_cases[] = {
    {R8 "/empty.rdb", "REDIS0012", 0, "", -1},
    {R8 "/keys.rdb", "REDIS0012", 1, "", -1},
    {R8 "/flushed.rdb", "REDIS0012", 0, "", -1},
    {R8 "/replica-keys.rdb", "REDIS0012", 1, "f2782d633ff05229687e703701897a4cebd0ee94", 60},
    {R8 "/replica-empty.rdb", "REDIS0012", 0, "40db6216fd27e03433b23bfd4610b0cb975461d5", 0},
    {R8 "/aof-empty/appendonlydir/appendonly.aof.1.base.rdb", "REDIS0012", 0, "", -1},
    {R8 "/aof-base-keys/appendonlydir/appendonly.aof.2.base.rdb", "REDIS0012", 1, "", -1},
    {V8 "/empty.rdb", "REDIS0011", 0, "", -1},
    {V8 "/keys.rdb", "REDIS0011", 1, "", -1},
    {V8 "/flushed.rdb", "REDIS0011", 0, "", -1},
    {V8 "/replica-keys.rdb", "REDIS0011", 1, "85fad7a520b5417cb8f7f6d4bdd7b564a07db114", 60},
    {V8 "/replica-empty.rdb", "REDIS0011", 0, "3621fb141ce70d701904121f1cb6c8292dde3dd8", 0},
    {V8 "/aof-empty/appendonlydir/appendonly.aof.1.base.rdb", "REDIS0011", 0, "", -1},
    {V8 "/aof-base-keys/appendonlydir/appendonly.aof.2.base.rdb", "REDIS0011", 1, "", -1},
};

START_TEST(test_server_rdb) {
    const struct fixture_case *c = &fixture_cases[_i];
    size_t len;
    unsigned char *b = slurp(c->file, &len);
    ck_assert_msg(len >= 9 && memcmp(b, c->magic, 9) == 0, "%s: magic", c->file);
    struct rdb_info ri;
    inspect_exact(b, len, &ri);
    ck_assert_msg(ri.valid == 1, "%s: valid", c->file);
    ck_assert_msg(ri.has_keys == c->has_keys, "%s: has_keys %d", c->file, ri.has_keys);
    ck_assert_str_eq(ri.replid, c->replid);
    ck_assert_msg(ri.offset == c->offset, "%s: offset %lld", c->file, ri.offset);
    if (!c->has_keys) ck_assert_uint_eq(ri.end, len);   /* whole file = RDB */
    /* Every prefix: never empty unless the whole file says so. */
    for (size_t n = 0; n <= len; n++) {
        struct rdb_info p;
        inspect_exact(b, n, &p);
        ck_assert_msg(p.valid || p.has_keys, "%s[%zu]: invalid but empty", c->file, n);
        ck_assert_msg(p.has_keys || !ri.has_keys, "%s[%zu]: prefix empty, whole has keys", c->file, n);
    }
    free(b);
}
END_TEST

/* Whole data directories as the servers left them (appendonlydir with its
 * manifest, base and incr files; or one dump.rdb copied by the test). */
struct dir_case {
    const char *dir;
    int has_data;
    const char *replid;
    long long offset;
};
static const struct dir_case dir_cases[] = {
    {R8 "/aof-empty", 0, "", -1},       /* --appendonly yes, no write */
    {R8 "/aof-incr", 1, "", -1},        /* two SETs, in the incr file only */
    {R8 "/aof-base-keys", 1, "", -1},   /* SET, BGREWRITEAOF: the key in the base */
    {V8 "/aof-empty", 0, "", -1},
    {V8 "/aof-incr", 1, "", -1},
    {V8 "/aof-base-keys", 1, "", -1},
};

START_TEST(test_server_dirs) {
    const struct dir_case *c = &dir_cases[_i];
    struct local_data ld;
    ri_err e = {0};
    ck_assert_msg(localdata_inspect(c->dir, &ld, &e) == 0, "%s: %s", c->dir, e.msg);
    ck_assert_msg(ld.has_data == c->has_data, "%s: has_data %d (%s)", c->dir, ld.has_data, ld.summary);
    ck_assert_str_eq(ld.replid, c->replid);
    ck_assert_msg(ld.offset == c->offset, "%s: offset %lld", c->dir, ld.offset);
}
END_TEST

/* ---- Valkey 9 magic, crafted ---- */

struct magic_case {
    const char *name;
    const char *bytes;
    size_t len;
    int valid, has_keys;
    long long offset;
};
#define B(s) s, sizeof(s) - 1
#define CKSUM "\1\2\3\4\5\6\7\10"
static const struct magic_case magic_cases[] = {
    {"VALKEY080 empty", B("VALKEY080\xfa\x0avalkey-ver\x05" "9.0.0\xff" CKSUM), 1, 0, -1},
    {"VALKEY080 keys", B("VALKEY080\xfe\x00\xfb\x01\x00\x00\x01k\x01v\xff" CKSUM), 1, 1, -1},
    {"VALKEY080 offset", B("VALKEY080\xfa\x0brepl-offset\xc0\x07\xff" CKSUM), 1, 0, 7},
    {"VALKEY080 unknown opcode", B("VALKEY080\xf4\x00"), 1, 1, -1},
    {"VALKEY080 then a byte we do not know", B("VALKEY0800\xff"), 1, 1, -1},  /* counted as data */
    {"VALKEY bad digit", B("VALKEY0x0\xff" CKSUM), 0, 1, -1},
    {"VALKEX080", B("VALKEX080\xff" CKSUM), 0, 1, -1},
    {"VALKEY short", B("VALKEY08"), 0, 1, -1},
};

START_TEST(test_valkey_magic) {
    const struct magic_case *c = &magic_cases[_i];
    struct rdb_info ri;
    inspect_exact(c->bytes, c->len, &ri);
    ck_assert_msg(ri.valid == c->valid, "%s: valid %d", c->name, ri.valid);
    ck_assert_msg(ri.has_keys == c->has_keys, "%s: has_keys %d", c->name, ri.has_keys);
    ck_assert_msg(ri.offset == c->offset, "%s: offset %lld", c->name, ri.offset);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("localdata_servers");
    TCase *tc = tcase_create("servers");
    tcase_add_loop_test(tc, test_server_rdb, 0, N(fixture_cases));
    tcase_add_loop_test(tc, test_server_dirs, 0, N(dir_cases));
    tcase_add_loop_test(tc, test_valkey_magic, 0, N(magic_cases));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
