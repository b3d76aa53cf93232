/* fuzz_secrets_dir: secrets_load() on a directory built from arbitrary bytes,
 * the shape of a mounted Kubernetes Secret. The input is split on 0xff into
 * entries "NAME\0CONTENT": names may be dot-files, "..data", contain '/'
 * (skipped), be empty or long; contents may hold NUL, CR/LF, anything.
 * Invariants: never crash or leak; success or a one-line EX_DATAERR /
 * EX_NOINPUT; every value read back has no NUL, its length matches, and one
 * trailing "\n" or "\r\n" at most was removed from the file content. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 16

struct entry {
    char name[64];
    const uint8_t *content;
    size_t len;
};

static char dir[64];

static void clear_dir(void) {
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[256];
    if (!d) return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (unlink(p) != 0) rmdir(p);
    }
    closedir(d);
}

/* Split input into entries; a name is sanitised only as far as the file
 * system needs (no '/', no NUL, not "." or ".."). */
static int parse(const uint8_t *data, size_t size, struct entry *ents) {
    int n = 0;
    size_t i = 0;
    while (i < size && n < MAX_ENTRIES) {
        const uint8_t *end = memchr(data + i, 0xff, size - i);
        size_t len = end ? (size_t)(end - (data + i)) : size - i;
        const uint8_t *nul = memchr(data + i, 0, len);
        size_t nlen = nul ? (size_t)(nul - (data + i)) : len;
        struct entry *e = &ents[n];
        size_t k = 0;
        for (size_t j = 0; j < nlen && k < sizeof e->name - 1; j++)
            e->name[k++] = data[i + j] == '/' ? '_' : (char)data[i + j];
        e->name[k] = '\0';
        e->content = nul ? nul + 1 : data + i + len;
        e->len = nul ? len - nlen - 1 : 0;
        if (k > 0 && strcmp(e->name, ".") != 0 && strcmp(e->name, "..") != 0) n++;
        i += len + 1;
    }
    return n;
}

static void write_entry(const struct entry *e) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, e->name);
    if (strcmp(e->name, "..data") == 0) {
        mkdir(p, 0700);
        return;
    } /* Secret mounts' timestamped dir */
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return;
    if (e->len && write(fd, e->content, e->len) != (ssize_t)e->len) abort();
    close(fd);
}

/* The value must be the content, less at most one trailing newline. */
static void check_value(const struct secrets *s, const struct entry *e) {
    size_t len = 0;
    const char *v = secrets_get(s, e->name, &len);
    if (!v) return; /* skipped (dot-file) or only an error when used */
    if (strlen(v) != len || len > e->len || memcmp(v, e->content, len) != 0) abort();
    size_t cut = e->len - len;
    if (cut > 2) abort();
    if (cut == 1 && e->content[len] != '\n') abort();
    if (cut == 2 && (e->content[len] != '\r' || e->content[len + 1] != '\n')) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct entry ents[MAX_ENTRIES];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ri-fuzz-dir-%ld", (long)getpid());
        mkdir(dir, 0700);
    }
    clear_dir();
    int n = parse(data, size, ents);
    for (int i = 0; i < n; i++) write_entry(&ents[i]);
    struct secrets *s = NULL;
    ri_err e = {0};
    int rc = secrets_load(&s, dir, &e);
    if (rc) {
        if (s || (rc != EX_DATAERR && rc != EX_NOINPUT) || strchr(e.msg, '\n')) abort();
        return 0;
    }
    for (int i = 0; i < n; i++) {
        int overwritten = 0; /* a later entry with the same name wrote the file last */
        for (int j = i + 1; j < n; j++) overwritten |= strcmp(ents[i].name, ents[j].name) == 0;
        if (!overwritten) check_value(s, &ents[i]);
    }
    const char *val;
    ri_err e2 = {0};
    if (secrets_require(s, SECRET_ADMIN_PASS, &val, &e2) != 0 && e2.code != EX_DATAERR) abort();
    secrets_free(s);
    return 0;
}
