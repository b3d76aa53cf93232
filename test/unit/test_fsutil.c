/* test_fsutil.c: atomic writes leave either all new files or the old ones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkmain.h"
#include "base/fsutil.h"

static char dir[64];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/ri-fs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *name, const char *text) {
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void expect(const char *name, const char *text, mode_t mode) {
    char p[128];
    struct file_data f;
    ri_err e = {0};
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ck_assert_msg(fs_read_file(p, NULL, 1 << 20, 0, &f, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(f.data, text);
    ck_assert_uint_eq(f.len, strlen(text));
    fs_file_free(&f);
    ck_assert_int_eq(stat(p, &st), 0);
    if (mode) ck_assert_int_eq(st.st_mode & 07777, mode);
}

static int count_entries(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq", dir);
    for (int n = 0; n < 10; n++) {
        char c2[160];
        snprintf(c2, sizeof c2, "%s %d", cmd, n);
        if (system(c2) == 0) return n;
    }
    return -1;
}

START_TEST(writes_all_files_with_modes) {
    ri_err e = {0};
    mode_t old = umask(077);
    struct out_file f[] = {{"a.conf", "alpha\n", 6, 0600}, {"b.acl", "beta\n", 5, 0644}};
    ck_assert_msg(fs_write_files(dir, f, 2, &e) == 0, "%s", e.msg);
    umask(old);
    expect("a.conf", "alpha\n", 0600);
    expect("b.acl", "beta\n", 0644);  /* exact mode, whatever the umask */
    ck_assert_int_eq(count_entries(), 2);  /* no temp files left */
}
END_TEST

START_TEST(replaces_existing_files) {
    ri_err e = {0};
    put("a.conf", "old");
    struct out_file f[] = {{"a.conf", "new", 3, 0600}};
    ck_assert_int_eq(fs_write_files(dir, f, 1, &e), 0);
    expect("a.conf", "new", 0600);
}
END_TEST

START_TEST(failure_leaves_old_files_untouched) {
    ri_err e = {0};
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    put("a.conf", "old a");
    /* the second file cannot be created (name too long): the first must not change */
    struct out_file f[] = {{"a.conf", "new a", 5, 0600}, {longname, "b", 1, 0600}};
    ck_assert_int_ne(fs_write_files(dir, f, 2, &e), 0);
    expect("a.conf", "old a", 0);
    ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(missing_dir_is_cantcreat) {
    ri_err e = {0};
    char missing[96];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    struct out_file f[] = {{"a", "x", 1, 0600}};
    ck_assert_int_eq(fs_write_files(missing, f, 1, &e), EX_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(e.msg, "does not exist"));
    put("file", "x");
    snprintf(missing, sizeof missing, "%s/file", dir);
    ck_assert_int_eq(fs_write_files(missing, f, 1, &e), EX_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(e.msg, "not a directory"));
}
END_TEST

/* The one reader: every input gets the same rules and the same codes. */
static const struct {
    const char *name;    /* file under dir ("" = dir itself); "fifo" is made a FIFO */
    const char *content; /* NULL: leave it as it is */
    size_t max;
    const char *what;
    int code;
    const char *msg;     /* substring of the message (dir replaced by "D") */
} reads[] = {
    {"none", NULL, 100, "settings", EX_NOINPUT, "cannot read settings D/none: No such file or directory"},
    {"", NULL, 100, "secrets", EX_NOINPUT, "cannot read secrets D: Is a directory"},
    {"fifo", NULL, 100, NULL, EX_NOINPUT, "cannot read D/fifo: not a regular file"},
    {"big", "0123456789", 5, "template", EX_DATAERR, "D/big: larger than 5 bytes"},
    {"big", "0123456789", 9, NULL, EX_DATAERR, "D/big: larger than 9 bytes"},
    {"big", "0123456789", 10, NULL, 0, NULL},
    {"empty", "", 10, NULL, 0, NULL},
    {"one", "x", 1 << 20, NULL, 0, NULL},
};

START_TEST(read_rules) {
    ri_err e = {0};
    char p[128], want[256];
    struct file_data f;
    snprintf(p, sizeof p, "%s%s%s", dir, reads[_i].name[0] ? "/" : "", reads[_i].name);
    if (strcmp(reads[_i].name, "fifo") == 0) {
        unlink(p);
        ck_assert_int_eq(mkfifo(p, 0600), 0);
    }
    if (reads[_i].content) put(reads[_i].name, reads[_i].content);
    int rc = fs_read_file(p, reads[_i].what, reads[_i].max, _i % 2 ? FS_WIPE : 0, &f, &e);
    ck_assert_msg(rc == reads[_i].code, "row %d: rc %d (%s)", _i, rc, e.msg);
    if (rc == 0) {
        ck_assert_uint_eq(f.len, strlen(reads[_i].content));
        ck_assert_str_eq(f.data, reads[_i].content);
        ck_assert_uint_ge(f.cap, f.len + 1);
        fs_file_free(&f);
        ck_assert_ptr_null(f.data);
        return;
    }
    const char *m = reads[_i].msg, *d = strchr(m, 'D');
    snprintf(want, sizeof want, "%.*s%s%s", (int)(d - m), m, dir, d + 1);
    ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(join_and_absolute) {
    ri_err e = {0};
    char out[64], cwd[1024], want[1100];
    ck_assert_int_eq(fs_join(out, sizeof out, "/a/", "b", &e), 0);
    ck_assert_str_eq(out, "/a/b");
    ck_assert_int_eq(fs_join(out, sizeof out, "/a", "b", &e), 0);
    ck_assert_str_eq(out, "/a/b");
    ck_assert_int_eq(fs_join(out, 4, "/a", "bcd", &e), EX_CONFIG);
    ck_assert_int_eq(fs_absolute("/x/y", out, sizeof out, &e), 0);
    ck_assert_str_eq(out, "/x/y");
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    char abs[1100];
    ck_assert_int_eq(fs_absolute("./conf", abs, sizeof abs, &e), 0);
    snprintf(want, sizeof want, "%s/conf", cwd);
    ck_assert_str_eq(abs, want);
    ck_assert_int_eq(fs_absolute(".", abs, sizeof abs, &e), 0);
    ck_assert_str_eq(abs, cwd);
}
END_TEST

/* fs_files_hash: the content, in order, NUL-separated; -1 when one file is missing. */
START_TEST(files_hash_follows_content) {
    char a[128], b[128];
    unsigned char h1[32], h2[32], h3[32];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    put("a", "one");
    put("b", "two");
    const char *ab[] = {a, b}, *ba[] = {b, a};
    ck_assert_int_eq(fs_files_hash(ab, 2, h1), 0);
    ck_assert_int_eq(fs_files_hash(ab, 2, h2), 0);
    ck_assert_mem_eq(h1, h2, 32);
    ck_assert_int_eq(fs_files_hash(ba, 2, h3), 0);
    ck_assert_msg(memcmp(h1, h3, 32) != 0, "order must count");
    put("a", "onetwo"); /* "one","two" and "onetwo","" differ: NUL-separated */
    put("b", "");
    ck_assert_int_eq(fs_files_hash(ab, 2, h3), 0);
    ck_assert_msg(memcmp(h1, h3, 32) != 0, "the files' boundary must count");
    unlink(b);
    ck_assert_int_eq(fs_files_hash(ab, 2, h3), -1);
}
END_TEST

/* fs_settled over a sequence of readings (a letter each): 1 only for a
 * reading equal to the one just before it, since the last reset ('-'). */
static const struct {
    const char *readings, *want;
} settles[] = {
    {"a", "0"},
    {"aa", "01"},
    {"aaa", "011"},
    {"ab", "00"},
    {"abb", "001"},
    {"aba", "000"},
    {"a-a", "0 0"},
    {"aa-aa", "01 01"},
};

START_TEST(settled_when_read_twice_alike) {
    struct fs_settle st = {0};
    const char *r = settles[_i].readings, *w = settles[_i].want;
    for (size_t k = 0; r[k]; k++) {
        if (r[k] == '-') {
            st.have = 0;
            continue;
        }
        unsigned char h[32];
        memset(h, r[k], sizeof h);
        ck_assert_msg(fs_settled(&st, h) == w[k] - '0', "readings %s, step %zu", r, k);
    }
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("fsutil");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, writes_all_files_with_modes);
    tcase_add_test(tc, replaces_existing_files);
    tcase_add_test(tc, failure_leaves_old_files_untouched);
    tcase_add_test(tc, missing_dir_is_cantcreat);
    tcase_add_loop_test(tc, read_rules, 0, (int)(sizeof reads / sizeof reads[0]));
    tcase_add_test(tc, join_and_absolute);
    tcase_add_test(tc, files_hash_follows_content);
    tcase_add_loop_test(tc, settled_when_read_twice_alike, 0,
                        (int)(sizeof settles / sizeof settles[0]));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
