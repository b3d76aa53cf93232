/* info.c: parsing INFO reply text. Pure and bounded: every field is taken
 * from a [start, end) span of one line, never past the NUL, so any input
 * (truncated, binary, hostile) is safe. Unknown keys are ignored. */
#include "net/info.h"

#include <limits.h>
#include <string.h>

struct span {
    const char *p;
    size_t n;
};

/* Iterate "key:value" lines. *pos advances past the line; returns 0 at end.
 * Lines without ':' (section headers "# Replication", blanks) yield key with
 * val.p == NULL. */
static int next_line(const char **pos, struct span *key, struct span *val) {
    const char *s = *pos;
    if (!*s) return 0;
    const char *eol = s + strcspn(s, "\r\n");
    const char *colon = memchr(s, ':', (size_t)(eol - s));
    key->p = s;
    if (colon) {
        key->n = (size_t)(colon - s);
        val->p = colon + 1;
        val->n = (size_t)(eol - colon - 1);
    } else {
        key->n = (size_t)(eol - s);
        val->p = NULL;
        val->n = 0;
    }
    s = eol;
    while (*s == '\r' || *s == '\n') s++;
    *pos = s;
    return 1;
}

static int key_is(struct span k, const char *name) {
    size_t n = strlen(name);
    return k.n == n && memcmp(k.p, name, n) == 0;
}

static int val_is(struct span v, const char *s) {
    size_t n = strlen(s);
    return v.p && v.n == n && memcmp(v.p, s, n) == 0;
}

/* Decimal integer from a span, optional leading '-'; saturates instead of
 * overflowing. *ok is 0 if there were no digits or trailing junk. */
static long long span_ll(struct span v, int *ok) {
    size_t i = 0;
    int neg = 0;
    long long x = 0;
    *ok = 0;
    if (!v.p) return 0;
    if (i < v.n && v.p[i] == '-') {
        neg = 1;
        i++;
    }
    if (i == v.n) return 0;
    for (; i < v.n; i++) {
        unsigned d = (unsigned)(unsigned char)v.p[i] - '0';
        if (d > 9) return 0;
        if (x > (LLONG_MAX - (long long)d) / 10) x = LLONG_MAX;
        else x = x * 10 + (long long)d;
    }
    *ok = 1;
    return neg ? -x : x;
}

static void span_copy(char *dst, size_t cap, struct span v) {
    size_t n = v.n < cap - 1 ? v.n : cap - 1;
    if (v.p) memcpy(dst, v.p, n);
    else n = 0;
    dst[n] = '\0';
}

static void reset_answer(struct redis_obs *r) {
    r->role = ROLE_UNKNOWN;
    r->master_host[0] = '\0';
    r->master_port = 0;
    r->link_up = 0;
    r->replid[0] = r->replid2[0] = '\0';
    r->offset = 0;
    r->second_offset = -1;
    r->connected_replicas = 0;
    r->backlog_active = 0;
    r->sync_in_progress = 0;
    r->init_has_data = 0;
    memset(&r->hist, 0, sizeof r->hist);
    r->hist.parent_offset = -1;
}

/* The beacon's fields (lib/beacon.c): a pod still deciding, and its record. */
static void apply_beacon_field(struct redis_obs *r, struct span k, struct span v) {
    int ok;
    long long x;
    struct history *h = &r->hist;
    if (key_is(k, "ri_has_data")) {
        r->init_has_data = !val_is(v, "0"); /* anything but a clear 0 holds data */
    } else if (key_is(k, "ri_replid")) {
        span_copy(h->id, sizeof h->id, v);
    } else if (key_is(k, "ri_offset")) {
        x = span_ll(v, &ok);
        if (ok && x >= 0) {
            h->offset = x;
            h->known = h->id[0] != '\0';
        }
    } else if (key_is(k, "ri_parent_replid")) {
        span_copy(h->parent_id, sizeof h->parent_id, v);
    } else if (key_is(k, "ri_parent_offset")) {
        x = span_ll(v, &ok);
        h->parent_offset = ok ? x : -1;
    } else if (key_is(k, "ri_was_master")) {
        h->was_master = val_is(v, "1");
    } else if (key_is(k, "ri_written_ms")) {
        x = span_ll(v, &ok);
        h->written_ms = ok ? x : 0;
    }
}

static void apply_field(struct redis_obs *r, struct span k, struct span v, int *seen_role) {
    int ok;
    long long x;
    if (key_is(k, "role")) {
        *seen_role = 1;
        if (val_is(v, "master")) r->role = ROLE_MASTER;
        else if (val_is(v, "slave") || val_is(v, "replica")) r->role = ROLE_REPLICA;
        else if (val_is(v, "redis-init")) r->role = ROLE_INIT;
        else r->role = ROLE_UNKNOWN;
    } else if (key_is(k, "master_host")) {
        span_copy(r->master_host, sizeof r->master_host, v);
    } else if (key_is(k, "master_port")) {
        x = span_ll(v, &ok);
        r->master_port = ok && x > 0 && x <= 65535 ? (int)x : 0;
    } else if (key_is(k, "master_link_status")) {
        r->link_up = val_is(v, "up");
    } else if (key_is(k, "master_sync_in_progress")) {
        r->sync_in_progress = val_is(v, "1");
    } else if (key_is(k, "master_replid")) {
        span_copy(r->replid, sizeof r->replid, v);
    } else if (key_is(k, "master_replid2")) {
        span_copy(r->replid2, sizeof r->replid2, v);
    } else if (key_is(k, "master_repl_offset")) {
        x = span_ll(v, &ok);
        if (ok) r->offset = x;
    } else if (key_is(k, "second_repl_offset")) {
        x = span_ll(v, &ok);
        r->second_offset = ok ? x : -1;
    } else if (key_is(k, "repl_backlog_active")) {
        r->backlog_active = val_is(v, "1");
    } else if (key_is(k, "connected_slaves")) {
        x = span_ll(v, &ok);
        r->connected_replicas = ok && x >= 0 && x <= INT_MAX ? (int)x : 0;
    } else if (k.n > 3 && memcmp(k.p, "ri_", 3) == 0) {
        apply_beacon_field(r, k, v);
    }
}

int info_parse_replication(const char *text, struct redis_obs *r) {
    reset_answer(r);
    if (!text) return -1;
    int seen_role = 0;
    struct span k, v;
    while (next_line(&text, &k, &v))
        if (v.p) apply_field(r, k, v, &seen_role);
    if (r->role == ROLE_MASTER || r->role == ROLE_REPLICA)
        history_from_live(&r->hist, r->role == ROLE_MASTER, r->replid, r->offset, r->replid2,
                          r->second_offset);
    else if (r->role != ROLE_INIT || !r->hist.known) {
        memset(&r->hist, 0, sizeof r->hist); /* ri_ fields mean something only from a beacon */
        r->hist.parent_offset = -1;
    }
    if (r->role == ROLE_INIT && r->hist.parent_id[0] == '\0') r->hist.parent_offset = -1;
    return seen_role ? 0 : -1;
}

/* "db<digits>" */
static int is_db_key(struct span k) {
    if (k.n < 3 || memcmp(k.p, "db", 2) != 0) return 0;
    for (size_t i = 2; i < k.n; i++)
        if (k.p[i] < '0' || k.p[i] > '9') return 0;
    return 1;
}

/* keys=N from "keys=3,expires=0,avg_ttl=0" (any order of attributes). */
static long long db_keys(struct span v) {
    size_t i = 0;
    while (i < v.n) {
        size_t j = i;
        while (j < v.n && v.p[j] != ',') j++;
        struct span attr = {v.p + i, j - i};
        if (attr.n > 5 && memcmp(attr.p, "keys=", 5) == 0) {
            int ok;
            long long x = span_ll((struct span){attr.p + 5, attr.n - 5}, &ok);
            return ok && x > 0 ? x : 0;
        }
        i = j + 1;
    }
    return 0;
}

long long info_parse_keys(const char *text) {
    if (!text) return 0;
    long long sum = 0;
    struct span k, v;
    while (next_line(&text, &k, &v)) {
        if (!v.p || !is_db_key(k)) continue;
        long long x = db_keys(v);
        sum = x > LLONG_MAX - sum ? LLONG_MAX : sum + x;
    }
    return sum;
}

int info_parse_loading(const char *text) {
    if (!text) return 0;
    struct span k, v;
    while (next_line(&text, &k, &v))
        if (v.p && key_is(k, "loading")) return val_is(v, "1");
    return 0;
}

/* "count=N" out of an errorstat value "count=N" (later fields ignored). */
static long long errorstat_count(struct span v) {
    int ok;
    if (!v.p || v.n < 6 || memcmp(v.p, "count=", 6) != 0) return -1;
    struct span c = {v.p + 6, strcspn(v.p + 6, ",\r\n")};
    if (c.n > v.n - 6) c.n = v.n - 6;
    long long x = span_ll(c, &ok);
    return ok && x >= 0 ? x : -1;
}

void info_parse_stats(const char *text, struct server_stats *st) {
    struct span k, v;
    int ok;
    st->role = ROLE_UNKNOWN;
    st->connected_clients = st->maxclients = st->good_replicas = st->fenced_writes = -1;
    if (!text) return;
    for (const char *pos = text; next_line(&pos, &k, &v);) {
        if (!v.p) continue;
        long long x = span_ll(v, &ok);
        if (key_is(k, "role")) {
            st->role = val_is(v, "master")                          ? ROLE_MASTER
                       : val_is(v, "slave") || val_is(v, "replica") ? ROLE_REPLICA
                                                                    : ROLE_UNKNOWN;
        } else if (key_is(k, "connected_clients") && ok && x >= 0) {
            st->connected_clients = x;
        } else if (key_is(k, "maxclients") && ok && x >= 0) {
            st->maxclients = x;
        } else if ((key_is(k, "min_slaves_good_slaves") ||
                    key_is(k, "min_replicas_good_replicas")) &&
                   ok && x >= 0) {
            st->good_replicas = x;
        } else if (key_is(k, "errorstat_NOREPLICAS")) {
            st->fenced_writes = errorstat_count(v);
        }
    }
}
