/* history.c: replication histories, their record on the data volume, and
 * the choice of the newest (see history.h and docs/decision.md). */
#include "model/history.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/fsutil.h"

/* ---------------------------------------------------------------------------
 * Pure
 * ------------------------------------------------------------------------ */

static void copy_id(char dst[HISTORY_ID_MAX], const char *src) {
    snprintf(dst, HISTORY_ID_MAX, "%s", src ? src : "");
}

/* Redis reports "0000...0000" as replid2 when there is none. */
static int id_is_none(const char *id) {
    return !id || id[0] == '\0' || strspn(id, "0") == strlen(id);
}

void history_from_live(struct history *h, int is_master, const char *replid, long long offset,
                       const char *replid2, long long second_offset) {
    memset(h, 0, sizeof *h);
    h->parent_offset = -1;
    if (id_is_none(replid)) return;
    h->known = 1;
    copy_id(h->id, replid);
    h->offset = offset;
    h->was_master = is_master;
    if (!id_is_none(replid2) && second_offset >= 0) {
        copy_id(h->parent_id, replid2);
        /* second_repl_offset is the first byte NOT of the old history. */
        h->parent_offset = second_offset > 0 ? second_offset - 1 : 0;
    }
}

void history_refresh(const struct history *old, const struct history *live, struct history *out) {
    *out = *live;
    if (!live->known || !live->was_master || !old->known || live->parent_id[0]) return;
    if (strcmp(old->id, live->id) == 0) {
        /* The same run of the same master: keep the link it had. */
        copy_id(out->parent_id, old->parent_id);
        out->parent_offset = old->parent_offset;
    } else {
        /* A new id with no link: Redis restarted this master on the data
         * the old record describes. */
        copy_id(out->parent_id, old->id);
        out->parent_offset = old->offset;
    }
}

int history_contains(const struct history *a, const struct history *b) {
    if (!a->known || !b->known) return 0;
    if (strcmp(a->id, b->id) == 0) return a->offset >= b->offset;
    return a->parent_id[0] && strcmp(a->parent_id, b->id) == 0 && a->parent_offset >= b->offset;
}

int history_continues(const struct history *a, const struct history *b) {
    return a->known && b->known && a->parent_id[0] && strcmp(a->parent_id, b->id) == 0 &&
           strcmp(a->id, b->id) != 0;
}

/* Is b's line continued by some candidate? */
static int superseded(const struct history *h, int n, const struct history *b) {
    for (int j = 0; j < n; j++)
        if (history_continues(&h[j], b)) return 1;
    return 0;
}

static int better_on_line(const struct history *a, const struct history *b) {
    if (a->was_master != b->was_master) return a->was_master > b->was_master;
    return a->offset > b->offset;
}

enum newest_verdict history_newest(const struct history *h, int n, int *pick, int *conflict_a,
                                   int *conflict_b) {
    *pick = *conflict_a = *conflict_b = -1;
    if (n <= 0) return NEWEST_NONE;
    int tip = -1;
    for (int i = 0; i < n; i++) {
        if (!h[i].known) {
            *conflict_a = i;
            return NEWEST_UNKNOWN;
        }
        if (superseded(h, n, &h[i])) continue;
        if (tip >= 0 && strcmp(h[tip].id, h[i].id) != 0) {
            *conflict_a = tip;
            *conflict_b = i;
            return NEWEST_DIVERGED;
        }
        if (tip < 0 || better_on_line(&h[i], &h[tip])) tip = i;
    }
    if (tip < 0) {
        /* Every line is continued by another: a cycle, which no real
         * sequence of failovers produces. Do not rank it. */
        *conflict_a = 0;
        *conflict_b = n > 1 ? 1 : 0;
        return NEWEST_DIVERGED;
    }
    *pick = tip;
    return NEWEST_ONE;
}

void history_describe(const struct history *h, char *buf, size_t size) {
    if (!h->known) {
        snprintf(buf, size, "no recorded history");
        return;
    }
    char parent[64] = "";
    if (h->parent_id[0])
        snprintf(parent, sizeof parent, " from %.8s@%lld", h->parent_id, h->parent_offset);
    snprintf(buf, size, "%.8s@%lld%s%s", h->id, h->offset, parent, h->was_master ? ", master" : "");
}

/* ---------------------------------------------------------------------------
 * The record: "key value" lines, unknown keys ignored
 * ------------------------------------------------------------------------ */

static int parse_ll(const char *v, long long min, long long *out) {
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end != '\0' || x < min) return -1;
    *out = x;
    return 0;
}

static int valid_id(const char *v) {
    size_t n = strlen(v);
    return n > 0 && n < HISTORY_ID_MAX && strspn(v, "0123456789abcdef") == n;
}

static int apply_line(struct history *h, const char *k, const char *v, int *seen) {
    if (strcmp(k, "replid") == 0) {
        if (!valid_id(v)) return -1;
        copy_id(h->id, v);
        *seen |= 1;
    } else if (strcmp(k, "offset") == 0) {
        if (parse_ll(v, 0, &h->offset)) return -1;
        *seen |= 2;
    } else if (strcmp(k, "parent-replid") == 0) {
        if (!valid_id(v)) return -1;
        copy_id(h->parent_id, v);
    } else if (strcmp(k, "parent-offset") == 0) {
        if (parse_ll(v, 0, &h->parent_offset)) return -1;
    } else if (strcmp(k, "role") == 0) {
        if (strcmp(v, "master") && strcmp(v, "replica")) return -1;
        h->was_master = strcmp(v, "master") == 0;
    } else if (strcmp(k, "written-ms") == 0) {
        if (parse_ll(v, 0, &h->written_ms)) return -1;
    } else if (strcmp(k, "version") == 0) {
        if (strcmp(v, "1")) return -1;
    }
    return 0;
}

int history_parse(const char *text, struct history *h, char *why, size_t whylen) {
    memset(h, 0, sizeof *h);
    h->parent_offset = -1;
    int seen = 0, lineno = 0;
    while (*text) {
        char line[128], k[32], v[96];
        size_t n = strcspn(text, "\n");
        lineno++;
        if (n >= sizeof line) {
            snprintf(why, whylen, "line %d is too long", lineno);
            return -1;
        }
        memcpy(line, text, n);
        line[n] = '\0';
        text += n + (text[n] == '\n');
        if (line[0] == '#' || line[0] == '\0') continue;
        if (sscanf(line, "%31s %95s", k, v) != 2 || apply_line(h, k, v, &seen)) {
            snprintf(why, whylen, "line %d: cannot read \"%.60s\"", lineno, line);
            return -1;
        }
    }
    if (seen != 3) {
        snprintf(why, whylen, "no %s", (seen & 1) ? "offset" : "replid");
        return -1;
    }
    if (h->parent_id[0] == '\0') h->parent_offset = -1;
    h->known = 1;
    return 0;
}

int history_format(const struct history *h, char *buf, size_t size) {
    int n = snprintf(
        buf, size,
        "# redis-init: the replication history this data set holds, as last seen\n"
        "# running (written by run's agent, check and prestop; read by run). Not a secret.\n"
        "version 1\nwritten-ms %lld\nrole %s\nreplid %s\noffset %lld\n",
        h->written_ms, h->was_master ? "master" : "replica", h->id, h->offset);
    if (n >= 0 && (size_t)n < size && h->parent_id[0])
        n += snprintf(buf + n, size - (size_t)n, "parent-replid %s\nparent-offset %lld\n",
                      h->parent_id, h->parent_offset);
    return n < 0 || (size_t)n >= size ? -1 : n;
}

void history_read(const char *dir, struct history *h, char *why, size_t whylen) {
    char path[4096];
    struct file_data f;
    ri_err e;
    memset(h, 0, sizeof *h);
    h->parent_offset = -1;
    why[0] = '\0';
    if (snprintf(path, sizeof path, "%s/%s", dir, HISTORY_FILE) >= (int)sizeof path) return;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return; /* none yet: a fresh volume, or data from before records */
    if (fs_read_file(path, "history record", 4096, 0, &f, &e)) {
        snprintf(why, whylen, "%s", e.msg);
        return;
    }
    if (history_parse(f.data, h, why, whylen)) memset(h, 0, sizeof *h);
    fs_file_free(&f);
}

int history_write(const char *dir, struct history *h, ri_err *e) {
    struct timespec ts;
    char buf[512];
    clock_gettime(CLOCK_REALTIME, &ts);
    h->written_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int n = history_format(h, buf, sizeof buf);
    if (n < 0) return ri_fail(e, EX_SOFTWARE, "history record does not fit");
    struct out_file f = {HISTORY_FILE, buf, (size_t)n, 0600};
    return fs_write_files(dir, &f, 1, e);
}
