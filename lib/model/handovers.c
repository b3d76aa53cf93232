/* handovers.c: the handover counts on the data volume (see handovers.h). */
#include "model/handovers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"

#define HANDOVERS_MAX 512

static const char *const result_names[HANDOVER__COUNT] = {"handed_over", "nothing", "failed"};

const char *handover_result_name(enum handover_result r) {
    return (unsigned)r < HANDOVER__COUNT ? result_names[r] : "unknown";
}

static int result_of(const char *name) {
    for (int i = 0; i < HANDOVER__COUNT; i++)
        if (!strcmp(name, result_names[i])) return i;
    return -1;
}

static long long count_of(const char *v) {
    char *end;
    long long x = strtoll(v, &end, 10);
    return end != v && *end == '\0' && x >= 0 ? x : 0;
}

/* One line: "<result> N" or "last <result> <rule> <time>". */
static void parse_line(char *line, struct handover_counts *c) {
    char res[16], rule[8];
    long long at;
    char *sp = strchr(line, ' ');
    if (!sp) return;
    *sp = '\0';
    int r = result_of(line);
    if (r >= 0) {
        c->n[r] = count_of(sp + 1);
        return;
    }
    if (strcmp(line, "last") == 0 && sscanf(sp + 1, "%15s %7s %lld", res, rule, &at) == 3 &&
        result_of(res) >= 0 && at > 0) {
        snprintf(c->last_result, sizeof c->last_result, "%s", res);
        snprintf(c->last_rule, sizeof c->last_rule, "%s", rule);
        c->last_at = at;
    }
}

void handovers_parse(const char *text, struct handover_counts *c) {
    memset(c, 0, sizeof *c);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char line[128];
        if (n < sizeof line) {
            memcpy(line, p, n);
            line[n] = '\0';
            parse_line(line, c);
        }
        p = eol ? eol + 1 : p + n;
    }
}

int handovers_format(const struct handover_counts *c, char *buf, size_t len) {
    int n = snprintf(buf, len, "handed_over %lld\nnothing %lld\nfailed %lld\n", c->n[HANDED_OVER],
                     c->n[HANDOVER_NOTHING], c->n[HANDOVER_FAILED]);
    if (!c->last_result[0] || n < 0 || (size_t)n >= len) return n;
    return n + snprintf(buf + n, len - (size_t)n, "last %s %s %lld\n", c->last_result,
                        c->last_rule[0] ? c->last_rule : "-", c->last_at);
}

void handovers_count(struct handover_counts *c, enum handover_result r, const char *rule,
                     long long now) {
    if ((unsigned)r >= HANDOVER__COUNT) return;
    c->n[r]++;
    snprintf(c->last_result, sizeof c->last_result, "%s", result_names[r]);
    snprintf(c->last_rule, sizeof c->last_rule, "%s", rule && *rule ? rule : "-");
    c->last_at = now;
}

void handovers_read(const char *data_dir, struct handover_counts *c) {
    char path[4096];
    struct file_data f = {0};
    ri_err e = {0};
    memset(c, 0, sizeof *c);
    if (snprintf(path, sizeof path, "%s/%s", data_dir, HANDOVERS_FILE) >= (int)sizeof path) return;
    if (fs_is_dir(data_dir) != 1 || fs_read_file(path, "handover counts", HANDOVERS_MAX, 0, &f, &e))
        return;
    handovers_parse(f.data, c);
    fs_file_free(&f);
}

int handovers_note(const char *data_dir, enum handover_result r, const char *rule, long long now) {
    struct handover_counts c;
    char text[256];
    ri_err e = {0};
    if (fs_is_dir(data_dir) != 1) return 1;
    handovers_read(data_dir, &c);
    handovers_count(&c, r, rule, now);
    int n = handovers_format(&c, text, sizeof text);
    struct out_file f = {HANDOVERS_FILE, text, (size_t)n, 0600};
    return fs_write_files(data_dir, &f, 1, &e) ? -1 : 0;
}
