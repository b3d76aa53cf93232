/* credentials.c: see credentials.h. */
#include "model/credentials.h"

#include <stdio.h>
#include <string.h>

#define MARKER_PREFIX "&redis-init:"

const char *creds_phase_name(enum creds_phase p) {
    switch (p) {
    case CREDS_ACCEPT: return "accept";
    case CREDS_USE: return "use";
    case CREDS_DONE: return "done";
    default: return "none";
    }
}

enum creds_phase creds_phase_parse(const char *name) {
    for (enum creds_phase p = CREDS_ACCEPT; p <= CREDS_DONE; p++)
        if (strcmp(name, creds_phase_name(p)) == 0) return p;
    return CREDS_NONE;
}

static int is_gen(const char *g, size_t len) {
    if (len != CREDS_GEN_LEN) return 0;
    for (size_t i = 0; i < len; i++)
        if (!g[i] || !strchr("0123456789abcdef", g[i])) return 0;
    return 1;
}

int creds_gen_valid(const char *g) { return is_gen(g, strlen(g)); }

int creds_marker_rules(const char *gen, enum creds_phase phase, int finish, char *out,
                       size_t outlen) {
    if (!is_gen(gen, strlen(gen)) || phase == CREDS_NONE) return -1;
    int n = snprintf(out, outlen, "resetchannels " MARKER_PREFIX "%s:%s%s%s%s", gen,
                     creds_phase_name(phase), finish ? " " MARKER_PREFIX : "", finish ? gen : "",
                     finish ? ":finish" : "");
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int creds_finish_rule(const char *gen, char *out, size_t outlen) {
    if (!is_gen(gen, strlen(gen))) return -1;
    int n = snprintf(out, outlen, MARKER_PREFIX "%s:finish", gen);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* One word "&redis-init:<G>:<what>": G into gen, what into what; 0 if it is one. */
static int marker_word(const char *w, size_t len, char gen[CREDS_GEN_LEN + 1], char *what,
                       size_t whatlen) {
    size_t pre = sizeof MARKER_PREFIX - 1;
    if (len <= pre + CREDS_GEN_LEN + 1 || strncmp(w, MARKER_PREFIX, pre) != 0) return -1;
    if (!is_gen(w + pre, CREDS_GEN_LEN) || w[pre + CREDS_GEN_LEN] != ':') return -1;
    size_t rest = len - pre - CREDS_GEN_LEN - 1;
    if (rest >= whatlen) return -1;
    memcpy(gen, w + pre, CREDS_GEN_LEN);
    gen[CREDS_GEN_LEN] = '\0';
    memcpy(what, w + pre + CREDS_GEN_LEN + 1, rest);
    what[rest] = '\0';
    return 0;
}

void creds_marker_parse(const char *channels, struct creds_member *m) {
    char gen[CREDS_GEN_LEN + 1], what[16], finish_gen[CREDS_GEN_LEN + 1] = "";
    m->gen[0] = '\0';
    m->phase = CREDS_NONE;
    m->finish = 0;
    for (const char *p = channels; *p;) {
        size_t len = strcspn(p, " ");
        if (len && marker_word(p, len, gen, what, sizeof what) == 0) {
            enum creds_phase ph = creds_phase_parse(what);
            if (ph != CREDS_NONE && (!m->gen[0] || (strcmp(m->gen, gen) == 0 && ph > m->phase))) {
                memcpy(m->gen, gen, sizeof m->gen);
                m->phase = ph;
            } else if (strcmp(what, "finish") == 0) {
                memcpy(finish_gen, gen, sizeof finish_gen);
            }
        }
        p += len;
        p += strspn(p, " ");
    }
    m->finish = m->gen[0] && strcmp(finish_gen, m->gen) == 0;
}
