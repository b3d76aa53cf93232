/* test_localdata.c: rdb_inspect on crafted bytes and on files written by a
 * real redis-server 7.0 (test/fixtures/rdb), and localdata_inspect on
 * data-dir layouts built in a temp dir. Run from the repository root.
 *
 * The fixtures came from redis-server 7.0.15 on 127.0.0.1 with --save "":
 *   empty.rdb          SAVE on a fresh server
 *   keys.rdb           SET k1; SET k2 <100 x 'a'> in db2 (LZF); RPUSH l; SAVE
 *   flushed.rdb        SET; FLUSHALL; SAVE
 *   replica-keys.rdb   SAVE on a replica of a master with keys (repl-id, offset 201)
 *   replica-empty.rdb  SAVE on a replica of an empty master (repl-id, offset 0)
 *   aof-incr/          --appendonly yes, two SETs (keys only in the incr file)
 *   aof-empty/         --appendonly yes, no writes
 *   aof-base-keys/     --appendonly yes, SET, BGREWRITEAOF (keys in the base) */
#include "checkmain.h"
#include "model/localdata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "test/fixtures/rdb"
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- crafted buffers ---- */

#define MAGIC "REDIS0010"
#define CKSUM "\1\2\3\4\5\6\7\10"
#define AUX_ID "\xfa\x07repl-id\x28" "3f04d2f7f2761be1a816ae2520abc4ae4a143c70"
#define ID "3f04d2f7f2761be1a816ae2520abc4ae4a143c70"
#define ZERO_ID "0000000000000000000000000000000000000000"

struct rdb_case {
    const char *name;
    const char *bytes;
    size_t len;
    int valid, has_keys;
    const char *replid;
    long long offset;
    size_t end;
};

#define B(s) s, sizeof(s) - 1
static const struct rdb_case rdb_cases[] = {
    {"empty db", B(MAGIC "\xff" CKSUM), 1, 0, "", -1, 18},
    {"selectdb", B(MAGIC "\xfe\x00\xfb\x01\x00\x00\x01k\x01v\xff" CKSUM), 1, 1, "", -1, 0},
    {"aux id + string offset", B(MAGIC AUX_ID "\xfa\x0brepl-offset\x04" "1234\xff" CKSUM), 1, 0, ID, 1234, 86},
    {"offset int8", B(MAGIC "\xfa\x0brepl-offset\xc0\x05\xff"), 1, 0, "", 5, 33},
    {"offset int16 LE", B(MAGIC "\xfa\x0brepl-offset\xc1\xc9\x00\xff"), 1, 0, "", 201, 34},
    {"offset int32 LE", B(MAGIC "\xfa\x0brepl-offset\xc2\x40\x42\x0f\x00\xff"), 1, 0, "", 1000000, 36},
    {"negative offset", B(MAGIC "\xfa\x0brepl-offset\xc0\xff\xff"), 1, 0, "", -1, 33},
    {"junk offset", B(MAGIC "\xfa\x0brepl-offset\x03" "1x2\xff"), 1, 0, "", -1, 35},
    {"14-bit length", B(MAGIC "\xfa\x40\x07repl-id\x40\x28" ID "\xfe"), 1, 1, ID, -1, 0},
    {"32-bit length", B(MAGIC "\xfa\x80\x00\x00\x00\x07repl-id\x28" ID "\xfe"), 1, 1, ID, -1, 0},
    {"64-bit length", B(MAGIC "\xfa\x81\x00\x00\x00\x00\x00\x00\x00\x07repl-id\x28" ID "\xff"), 1, 0, ID, -1, 76},
    {"lzf repl-id", B(MAGIC "\xfa\x07repl-id\xc3\x05\x28\x00" "0\xe0\x1e\x00\xff"), 1, 0, ZERO_ID, -1, 35},
    {"lzf bad backref", B(MAGIC "\xfa\x07repl-id\xc3\x03\x28\xe0\x1e\x00\xff"), 1, 0, "", -1, 33},
    {"lzf other aux skipped", B(MAGIC "\xfa\x01x\xc3\x03\x05\x01zz\xfe"), 1, 1, "", -1, 0},
    {"int aux key", B(MAGIC "\xfa\xc0\x01\xc0\x02\xff"), 1, 0, "", -1, 23},
    {"long repl-id ignored", B(MAGIC "\xfa\x07repl-id\x29" ID "x\xff"), 1, 0, "", -1, 69},
    {"resizedb then eof", B(MAGIC "\xfb\x00\x00\xff"), 1, 0, "", -1, 21},
    {"function", B(MAGIC "\xf5\x00"), 1, 1, "", -1, 0},
    {"module aux", B(MAGIC "\xf7\x00"), 1, 1, "", -1, 0},
    {"expire opcode", B(MAGIC "\xfc\x00"), 1, 1, "", -1, 0},
    {"old version, no checksum", B("REDIS0004\xff"), 1, 0, "", -1, 10},
    {"eof, checksum truncated", B(MAGIC "\xff\x01"), 1, 0, "", -1, 18},
    {"bad magic", B("REDIX0010\xff" CKSUM), 0, 1, "", -1, 0},
    {"bad version", B("REDIS00a0\xff" CKSUM), 0, 1, "", -1, 0},
    {"magic only", B(MAGIC), 0, 1, "", -1, 0},
    {"short", B("REDIS"), 0, 1, "", -1, 0},
    {"nothing", "", 0, 0, 1, "", -1, 0},
    {"bad length 0x82", B(MAGIC "\xfa\x82\x00\xff"), 0, 1, "", -1, 0},
    {"unknown encoding", B(MAGIC "\xfa\xc4\x00\xff"), 0, 1, "", -1, 0},
    {"encoded resizedb", B(MAGIC "\xfb\xc0\x00\xff"), 0, 1, "", -1, 0},
    {"huge string length", B(MAGIC "\xfa\x81\xff\xff\xff\xff\xff\xff\xff\xff" "a\xff"), 0, 1, "", -1, 0},
    {"truncated aux", B(MAGIC AUX_ID "\xfa\x0brepl-off"), 0, 1, ID, -1, 0},
    {"truncated lzf", B(MAGIC "\xfa\x01x\xc3\x10\x20\x00"), 0, 1, "", -1, 0},
};

/* An exact-size heap copy, so ASan sees any read past len. */
static void inspect_exact(const void *bytes, size_t len, struct rdb_info *ri) {
    unsigned char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len) memcpy(p, bytes, len);
    rdb_inspect(p, len, ri);
    free(p);
}

START_TEST(test_rdb_crafted) {
    const struct rdb_case *c = &rdb_cases[_i];
    struct rdb_info ri;
    inspect_exact(c->bytes, c->len, &ri);
    ck_assert_msg(ri.valid == c->valid, "%s: valid %d", c->name, ri.valid);
    ck_assert_msg(ri.has_keys == c->has_keys, "%s: has_keys %d", c->name, ri.has_keys);
    ck_assert_msg(strcmp(ri.replid, c->replid) == 0, "%s: replid '%s'", c->name, ri.replid);
    ck_assert_msg(ri.offset == c->offset, "%s: offset %lld", c->name, ri.offset);
    ck_assert_msg(ri.end == c->end, "%s: end %zu", c->name, ri.end);
}
END_TEST

/* Every prefix: never "empty" unless the whole says so, never has_keys=0
 * without valid, and never a read past the prefix (ASan). */
static void check_prefixes(const char *name, const unsigned char *b, size_t len) {
    struct rdb_info full, ri;
    inspect_exact(b, len, &full);
    for (size_t n = 0; n <= len; n++) {
        inspect_exact(b, n, &ri);
        ck_assert_msg(ri.valid || ri.has_keys, "%s[%zu]: invalid but empty", name, n);
        ck_assert_msg(ri.has_keys || !full.has_keys, "%s[%zu]: prefix empty, whole has keys", name, n);
    }
}

START_TEST(test_rdb_truncation_crafted) {
    const struct rdb_case *c = &rdb_cases[_i];
    check_prefixes(c->name, (const unsigned char *)c->bytes, c->len);
}
END_TEST

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s (run from the repository root)", path, strerror(errno));
    unsigned char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

struct fixture_case {
    const char *file;
    int has_keys;
    const char *replid;
    long long offset;
};

/* Written by redis-server 7.0.15 (see test/fixtures/rdb). */
static const struct fixture_case fixture_cases[] = {
    {FIX "/empty.rdb", 0, "", -1},
    {FIX "/keys.rdb", 1, "", -1},      /* 3 keys in db0 and db2, one LZF-compressed */
    {FIX "/flushed.rdb", 0, "", -1},   /* SET, FLUSHALL, SAVE */
    {FIX "/replica-keys.rdb", 1, "3f04d2f7f2761be1a816ae2520abc4ae4a143c70", 201},
    {FIX "/replica-empty.rdb", 0, "0be4fff12448f0fc7dba44a89a04cfa1b018dd7c", 0},
    {FIX "/aof-incr/appendonlydir/appendonly.aof.1.base.rdb", 0, "", -1},
    {FIX "/aof-base-keys/appendonlydir/appendonly.aof.2.base.rdb", 1, "", -1},
};

START_TEST(test_rdb_fixtures) {
    const struct fixture_case *c = &fixture_cases[_i];
    size_t len;
    unsigned char *b = slurp(c->file, &len);
    struct rdb_info ri;
    inspect_exact(b, len, &ri);
    ck_assert_msg(ri.valid == 1, "%s: valid", c->file);
    ck_assert_msg(ri.has_keys == c->has_keys, "%s: has_keys %d", c->file, ri.has_keys);
    ck_assert_str_eq(ri.replid, c->replid);
    ck_assert_msg(ri.offset == c->offset, "%s: offset %lld", c->file, ri.offset);
    if (!c->has_keys) ck_assert_uint_eq(ri.end, len);   /* whole file = RDB */
    check_prefixes(c->file, b, len);
    free(b);
}
END_TEST

/* ---- data directories ---- */

static char tmp[256];

static void setup_tmp(void) {
    snprintf(tmp, sizeof tmp, "/tmp/ri-localdata-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown_tmp(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", tmp);
}

static void put(const char *rel, const void *bytes, size_t len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static void put_fixture(const char *rel, const char *fixture) {
    size_t len;
    unsigned char *b = slurp(fixture, &len);
    put(rel, b, len);
    free(b);
}

static void mk(const char *rel) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void set_mtime(const char *rel, time_t t) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void inspect_ok(struct local_data *ld) {
    ri_err e = {0};
    int rc = localdata_inspect(tmp, ld, &e);
    ck_assert_msg(rc == 0, "rc %d: %s", rc, e.msg);
    ck_assert_uint_gt(strlen(ld->summary), 0);
}

#define AOF_MANIFEST "appendonlydir/appendonly.aof.manifest"
#define AOF_PING "*1\r\n$4\r\nPING\r\n"
#define MANIFEST1 "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"

/* Each layout builder fills tmp; the table says what inspect must find. */
struct dir_case {
    const char *name;
    void (*build)(void);
    int has_data;
    long long offset;
    const char *summary_has;
};

static void d_empty(void) {}
static void d_dump_empty(void) { put_fixture("dump.rdb", FIX "/empty.rdb"); }
static void d_dump_keys(void) { put_fixture("dump.rdb", FIX "/keys.rdb"); }
static void d_dump_flushed(void) { put_fixture("dump.rdb", FIX "/flushed.rdb"); }
static void d_dump_replica(void) { put_fixture("dump.rdb", FIX "/replica-empty.rdb"); }
static void d_dump_zero(void) { put("dump.rdb", "", 0); }
static void d_dump_garbage(void) { put("dump.rdb", "hello", 5); }
static void d_dump_dir(void) { mk("dump.rdb"); }
static void d_legacy_preamble(void) { put_fixture("appendonly.aof", FIX "/empty.rdb"); }
static void d_legacy_keys(void) { put_fixture("appendonly.aof", FIX "/keys.rdb"); }
static void d_legacy_cmds(void) { put("appendonly.aof", AOF_PING, sizeof AOF_PING - 1); }

static void d_legacy_preamble_cmds(void) {
    size_t len;
    unsigned char *b = slurp(FIX "/empty.rdb", &len);
    b = realloc(b, len + sizeof AOF_PING);
    memcpy(b + len, AOF_PING, sizeof AOF_PING - 1);
    put("appendonly.aof", b, len + sizeof AOF_PING - 1);
    free(b);
}

static void copy_aof_fixture(const char *fixdir, const char *base, const char *incr) {
    char src[256];
    mk("appendonlydir");
    snprintf(src, sizeof src, FIX "/%s/appendonlydir/appendonly.aof.manifest", fixdir);
    put_fixture(AOF_MANIFEST, src);
    char rel[128];
    snprintf(src, sizeof src, FIX "/%s/appendonlydir/%s", fixdir, base);
    snprintf(rel, sizeof rel, "appendonlydir/%s", base);
    put_fixture(rel, src);
    snprintf(src, sizeof src, FIX "/%s/appendonlydir/%s", fixdir, incr);
    snprintf(rel, sizeof rel, "appendonlydir/%s", incr);
    put_fixture(rel, src);
}

static void d_aof_incr(void) { copy_aof_fixture("aof-incr", "appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof"); }
static void d_aof_empty(void) { copy_aof_fixture("aof-empty", "appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof"); }
static void d_aof_base_keys(void) {
    copy_aof_fixture("aof-base-keys", "appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof");
}

static void d_aof_missing_base(void) {
    mk("appendonlydir");
    put(AOF_MANIFEST, MANIFEST1, sizeof MANIFEST1 - 1);
    put("appendonlydir/appendonly.aof.1.incr.aof", "", 0);
}

static void d_aof_history_ignored(void) {
    static const char m[] = "file appendonly.aof.1.base.rdb seq 1 type h\n"
                            "# a comment\n\n"
                            "file appendonly.aof.2.base.rdb seq 2 type b\n";
    mk("appendonlydir");
    put(AOF_MANIFEST, m, sizeof m - 1);
    put_fixture("appendonlydir/appendonly.aof.1.base.rdb", FIX "/keys.rdb");
    put_fixture("appendonlydir/appendonly.aof.2.base.rdb", FIX "/empty.rdb");
}

static void d_aof_bad_manifest(void) {
    mk("appendonlydir");
    put(AOF_MANIFEST, "file\n", 5);
}

static void d_aof_quoted_manifest(void) {
    static const char m[] = "file \"a b.rdb\" seq 1 type b\n";
    mk("appendonlydir");
    put(AOF_MANIFEST, m, sizeof m - 1);
}

static void d_aof_escape_manifest(void) {
    static const char m[] = "file ../dump.rdb seq 1 type b\n";
    mk("appendonlydir");
    put(AOF_MANIFEST, m, sizeof m - 1);
}

static void d_aof_base_aof(void) {
    static const char m[] = "file appendonly.aof.1.base.aof seq 1 type b\n";
    mk("appendonlydir");
    put(AOF_MANIFEST, m, sizeof m - 1);
    put("appendonlydir/appendonly.aof.1.base.aof", AOF_PING, sizeof AOF_PING - 1);
}

static void d_aof_no_manifest_empty(void) {
    mk("appendonlydir");
    put("appendonlydir/x.aof", "", 0);
}

static void d_aof_no_manifest_data(void) {
    mk("appendonlydir");
    put("appendonlydir/custom.aof.1.incr.aof", AOF_PING, sizeof AOF_PING - 1);
}

static void d_aof_dir_is_file(void) { put("appendonlydir", "x", 1); }

/* dump.rdb (offset 201) is older than the AOF base (offset 0): take the newer. */
static void d_newest_repl(void) {
    put_fixture("dump.rdb", FIX "/replica-keys.rdb");
    set_mtime("dump.rdb", 1000000);
    static const char m[] = "file appendonly.aof.1.base.rdb seq 1 type b\n";
    mk("appendonlydir");
    put(AOF_MANIFEST, m, sizeof m - 1);
    put_fixture("appendonlydir/appendonly.aof.1.base.rdb", FIX "/replica-empty.rdb");
    set_mtime("appendonlydir/appendonly.aof.1.base.rdb", 2000000);
}

static const struct dir_case dir_cases[] = {
    {"empty dir", d_empty, 0, -1, "no data files"},
    {"dump.rdb without keys", d_dump_empty, 0, -1, "dump.rdb: no keys"},
    {"dump.rdb with keys", d_dump_keys, 1, -1, "dump.rdb: keys"},
    {"dump.rdb after FLUSHALL", d_dump_flushed, 0, -1, "dump.rdb: no keys"},
    {"replica dump.rdb, empty master", d_dump_replica, 0, 0, "repl-offset 0"},
    {"zero-byte dump.rdb", d_dump_zero, 0, -1, "empty file"},
    {"garbage dump.rdb", d_dump_garbage, 1, -1, "unrecognised"},
    {"dump.rdb is a directory", d_dump_dir, 1, -1, "unreadable"},
    {"legacy aof, bare preamble", d_legacy_preamble, 0, -1, "RDB preamble, no keys"},
    {"legacy aof, preamble with keys", d_legacy_keys, 1, -1, "appendonly.aof: keys"},
    {"legacy aof, commands", d_legacy_cmds, 1, -1, "appendonly.aof: commands"},
    {"legacy aof, preamble + commands", d_legacy_preamble_cmds, 1, -1, "after the RDB preamble"},
    {"aof dir, keys in incr", d_aof_incr, 1, -1, "incr.aof: commands"},
    {"aof dir, fresh and empty", d_aof_empty, 0, -1, "base.rdb: no keys"},
    {"aof dir, keys in base", d_aof_base_keys, 1, -1, "base.rdb: keys"},
    {"aof dir, base missing", d_aof_missing_base, 1, -1, "missing"},
    {"aof dir, history ignored", d_aof_history_ignored, 0, -1, "2.base.rdb: no keys"},
    {"aof dir, bad manifest", d_aof_bad_manifest, 1, -1, "unparsable"},
    {"aof dir, quoted name", d_aof_quoted_manifest, 1, -1, "unparsable"},
    {"aof dir, name with slash", d_aof_escape_manifest, 1, -1, "unusual file name"},
    {"aof dir, base .aof", d_aof_base_aof, 1, -1, "base.aof: commands"},
    {"aof dir, no manifest, empty files", d_aof_no_manifest_empty, 0, -1, "no data files"},
    {"aof dir, no manifest, data", d_aof_no_manifest_data, 1, -1, "no manifest"},
    {"aof dir is a file", d_aof_dir_is_file, 1, -1, "not a directory"},
    {"newest repl info wins", d_newest_repl, 1, 0, "repl-offset 0"},
};

START_TEST(test_dirs) {
    const struct dir_case *c = &dir_cases[_i];
    struct local_data ld;
    c->build();
    inspect_ok(&ld);
    ck_assert_msg(ld.has_data == c->has_data, "%s: has_data %d (%s)", c->name, ld.has_data, ld.summary);
    ck_assert_msg(ld.offset == c->offset, "%s: offset %lld", c->name, ld.offset);
    ck_assert_msg(strstr(ld.summary, c->summary_has) != NULL, "%s: summary '%s'", c->name, ld.summary);
}
END_TEST

START_TEST(test_missing_dir) {
    struct local_data ld;
    ri_err e = {0};
    char path[300];
    snprintf(path, sizeof path, "%s/nope", tmp);
    ck_assert_int_eq(localdata_inspect(path, &ld, &e), 0);
    ck_assert_int_eq(ld.has_data, 0);
    ck_assert_str_eq(ld.summary, "no data dir");
    ck_assert_str_eq(ld.replid, "");
    ck_assert_int_eq(ld.offset, -1);
}
END_TEST

START_TEST(test_unreadable_dir) {
    struct local_data ld;
    ri_err e = {0};
    char path[300];
    put("file", "x", 1);
    snprintf(path, sizeof path, "%s/file", tmp);            /* not a directory */
    ck_assert_int_eq(localdata_inspect(path, &ld, &e), EX_IOERR);
    ck_assert_ptr_nonnull(strstr(e.msg, path));
    snprintf(path, sizeof path, "%s/file/sub", tmp);        /* ENOTDIR */
    ck_assert_int_eq(localdata_inspect(path, &ld, &e), EX_IOERR);
    if (geteuid() != 0) {                                   /* root reads anything */
        mk("locked");
        snprintf(path, sizeof path, "%s/locked", tmp);
        ck_assert_int_eq(chmod(path, 0), 0);
        ck_assert_int_eq(localdata_inspect(path, &ld, &e), EX_IOERR);
        chmod(path, 0755);
    }
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("localdata");
    TCase *tc = tcase_create("rdb");
    tcase_add_loop_test(tc, test_rdb_crafted, 0, N(rdb_cases));
    tcase_add_loop_test(tc, test_rdb_truncation_crafted, 0, N(rdb_cases));
    tcase_add_loop_test(tc, test_rdb_fixtures, 0, N(fixture_cases));
    suite_add_tcase(s, tc);
    TCase *td = tcase_create("dirs");
    tcase_add_checked_fixture(td, setup_tmp, teardown_tmp);
    tcase_add_loop_test(td, test_dirs, 0, N(dir_cases));
    tcase_add_test(td, test_missing_dir);
    tcase_add_test(td, test_unreadable_dir);
    suite_add_tcase(s, td);
    return s;
}

CHECK_MAIN(make_suite)
