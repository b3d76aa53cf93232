/* settings_check.c: value checks for single keys, the [acl] user parser,
 * host-pattern expansion and settings_finish() (derivation and the rules
 * that involve more than one key). */
#include "config/settings.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/acl.h"
#include "base/quote.h"
#include "config/settings_int.h"

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), -1)

static int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ---------------------------------------------------------------------------
 * Single-key checks
 * ------------------------------------------------------------------------ */

int chk_master_name(const char *v, char *why, size_t whylen) {
    if (!*v) return WHY("must not be empty");
    for (const char *p = v; *p; p++)
        if (!is_alnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return WHY("may only contain letters, digits, '.', '_' and '-'");
    return 0;
}

/* One DNS label, also allowing '_' (docker compose service names). */
static int label_ok(const char *v, size_t n) {
    if (n == 0 || n > 63 || !is_alnum((unsigned char)v[0]) || !is_alnum((unsigned char)v[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_') return 0;
    return 1;
}

int chk_label(const char *v, char *why, size_t whylen) {
    if (!label_ok(v, strlen(v)))
        return WHY("must be a DNS label: 1..63 letters, digits, '-' or '_', starting and ending "
                   "with a letter or digit");
    return 0;
}

int chk_label_or_empty(const char *v, char *why, size_t whylen) {
    return *v ? chk_label(v, why, whylen) : 0;
}

/* NULL if v is a valid DNS name (labels as label_ok), else the reason. */
static const char *dns_name_why(const char *v) {
    size_t len = strlen(v);
    if (len == 0) return "empty";
    if (len > 253) return "longer than 253 bytes";
    for (const char *p = v;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n > 63) return "a label is longer than 63 bytes";
        if (!label_ok(p, n)) return "a label is empty, or not letters, digits, '-' and '_' starting and ending with a letter or digit";
        if (!dot) return NULL;
        p = dot + 1;
    }
}

static int dns_name_ok(const char *v) { return dns_name_why(v) == NULL; }

int chk_dns_name(const char *v, char *why, size_t whylen) {
    if (!dns_name_ok(v))
        return WHY("must be a DNS name: dot-separated labels of letters, digits, '-' or '_', "
                   "at most 253 bytes, no trailing dot");
    return 0;
}

int chk_host_or_empty(const char *v, char *why, size_t whylen) {
    return *v ? chk_dns_name(v, why, whylen) : 0;
}

/* Printable ASCII on one line: these values are written into config files
 * verbatim, where a newline would start a directive of its own. */
int chk_line(const char *v, char *why, size_t whylen) {
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p > 0x7e) return WHY("must be printable ASCII on one line");
    return 0;
}

int chk_path_or_empty(const char *v, char *why, size_t whylen) {
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return WHY("must not contain control characters");
    return 0;
}

int chk_path(const char *v, char *why, size_t whylen) {
    if (!*v) return WHY("must not be empty");
    return chk_path_or_empty(v, why, whylen);
}

static const char *const placeholders[] = {"{service}", "{i}", "{namespace}", "{domain}"};

int chk_host_pattern(const char *v, char *why, size_t whylen) {
    int has_i = 0;
    for (const char *p = v; *p;) {
        if (*p == '{') {
            size_t j = 0;
            while (j < 4 && strncmp(p, placeholders[j], strlen(placeholders[j])) != 0) j++;
            if (j == 4)
                return WHY("unknown placeholder at \"%.20s\": use {service}, {i}, {namespace}, {domain}", p);
            has_i |= j == 1;
            p += strlen(placeholders[j]);
            continue;
        }
        if (!is_alnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
            return WHY("may only hold letters, digits, '.', '-', '_' and the placeholders "
                       "{service} {i} {namespace} {domain}");
        p++;
    }
    if (!has_i) return WHY("must contain {i}, the member's ordinal");
    return 0;
}

/* "" (no RDB snapshots) or pairs of "<seconds> <changes>". */
int chk_save(const char *v, char *why, size_t whylen) {
    int n = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        if (*p < '0' || *p > '9') return WHY("must be pairs of \"<seconds> <changes>\" or empty");
        char *end;
        long x = strtol(p, &end, 10);
        if ((*end && *end != ' ') || x < 0 || x > INT_MAX)
            return WHY("must be pairs of \"<seconds> <changes>\" or empty");
        p = end;
        n++;
    }
    if (n % 2) return WHY("must be pairs of \"<seconds> <changes>\" (odd count)");
    return 0;
}

int chk_appendfsync(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "always") && strcmp(v, "everysec") && strcmp(v, "no"))
        return WHY("must be always, everysec or no");
    return 0;
}

int chk_loadmodule(const char *v, char *why, size_t whylen) {
    if (chk_line(v, why, whylen)) return -1;
    if (v[0] != '/') return WHY("must start with the module's absolute path");
    return 0;
}

/* Directives redis-init writes itself (or that would break what it writes),
 * with the setting to use instead. */
static const struct { const char *name, *instead; } managed[] = {
    {"aclfile", "users come from the secrets and [acl] user"},
    {"user", "use [acl] user"},
    {"requirepass", "passwords come from the secrets"},
    {"masteruser", "comes from REPLICA_USERNAME"},
    {"masterauth", "comes from REPLICA_PASSWORD"},
    {"primaryuser", "comes from REPLICA_USERNAME"},   /* Valkey 8's name for masteruser */
    {"primaryauth", "comes from REPLICA_PASSWORD"},   /* Valkey 8's name for masterauth */
    {"dir", "use [redis] dir"},
    {"port", "use [cluster] redis-port"},
    {"bind", "use [redis] bind"},
    {"replicaof", "the role is decided at boot"},
    {"slaveof", "the role is decided at boot"},
    {"replica-announce-ip", "derived from host-pattern"},
    {"slave-announce-ip", "derived from host-pattern"},
    {"replica-announce-port", "derived from redis-port"},
    {"slave-announce-port", "derived from redis-port"},
    {"include", "an included file could override managed keys"},
    {"rename-command", "sentinel and redis-init need the real command names"},
    {"save", "use [redis] save"},
    {"appendonly", "use [redis] persistence"},
    {"aof-use-rdb-preamble", "use [redis] persistence"},
    {"appendfsync", "use [redis] appendfsync"},
    {"appendfilename", "redis-init reads the default AOF names"},
    {"appenddirname", "redis-init reads the default AOF names"},
    {"dbfilename", "redis-init reads dump.rdb"},
    {"min-replicas-to-write", "use [redis] min-replicas-to-write"},
    {"min-slaves-to-write", "use [redis] min-replicas-to-write"},
    {"min-replicas-max-lag", "use [redis] min-replicas-max-lag"},
    {"min-slaves-max-lag", "use [redis] min-replicas-max-lag"},
    {"replica-priority", "use [redis] replica-priority"},
    {"slave-priority", "use [redis] replica-priority"},
    {"loadmodule", "use [redis] loadmodule"},
    {"daemonize", "redis must stay in the foreground of its container"},
    {"sentinel", "sentinel directives belong to sentinel.conf, which redis-init writes"},
};

int chk_directive(const char *v, char *why, size_t whylen) {
    if (chk_line(v, why, whylen)) return -1;
    char *args[64];
    size_t lens[64];
    int n = conf_split(v, args, lens, 64);
    if (n < 0) return WHY("unbalanced quotes, or more than 64 arguments");
    int rc = 0;
    if (n < 2) rc = WHY("must be \"NAME VALUE...\"");
    for (size_t i = 0; !rc && i < sizeof managed / sizeof managed[0]; i++)
        if (strcasecmp(args[0], managed[i].name) == 0)
            rc = WHY("%s is managed by redis-init (%s)", managed[i].name, managed[i].instead);
    conf_free_args(args, n);
    return rc;
}

/* ---------------------------------------------------------------------------
 * [acl] user = NAME SECRET_KEY RULES...
 * ------------------------------------------------------------------------ */

static const char *token(const char *p, const char **start, size_t *len) {
    while (*p == ' ' || *p == '\t') p++;
    *start = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    *len = (size_t)(p - *start);
    return p;
}

int set_parse_user(const char *v, struct acl_extra_user *u, ri_err *e) {
    char why[128];
    if (chk_line(v, why, sizeof why))
        return ri_fail(e, EX_CONFIG, "%s", why);
    const char *name, *key, *rules;
    size_t nl, kl;
    const char *p = token(token(v, &name, &nl), &key, &kl);
    while (*p == ' ' || *p == '\t') p++;
    rules = p;
    if (!nl || !kl || !*rules)
        return ri_fail(e, EX_CONFIG, "expected \"NAME SECRET_KEY RULES...\"");
    if (nl >= sizeof u->name)
        return ri_fail(e, EX_CONFIG, "user name longer than %zu bytes", sizeof u->name - 1);
    memcpy(u->name, name, nl);
    u->name[nl] = '\0';
    if (strcmp(u->name, "default") == 0)
        return ri_fail(e, EX_CONFIG, "user \"default\" is managed by [acl] default-user");
    int key_ok = kl < sizeof u->secret_key;
    for (size_t i = 0; key_ok && i < kl; i++)
        key_ok = is_alnum((unsigned char)key[i]) || key[i] == '-' || key[i] == '_' || key[i] == '.';
    if (!key_ok)
        return ri_fail(e, EX_CONFIG, "user %s: SECRET_KEY must be 1..%zu letters, digits, '-', '_' or '.'",
                       u->name, sizeof u->secret_key - 1);
    memcpy(u->secret_key, key, kl);
    u->secret_key[kl] = '\0';
    size_t rl = strlen(rules);
    while (rl && (rules[rl - 1] == ' ' || rules[rl - 1] == '\t')) rl--;
    if (rl >= sizeof u->rules) return ri_fail(e, EX_CONFIG, "user %s: rules too long", u->name);
    memcpy(u->rules, rules, rl);
    u->rules[rl] = '\0';
    return acl_check_rules(u->name, u->rules, e);
}

/* ---------------------------------------------------------------------------
 * Derivation
 * ------------------------------------------------------------------------ */

/* StatefulSet pods are "<name>-<N>"; leading zeros never occur there, so
 * "redis-007" has no ordinal (its host name could not be built from one). */
int set_ordinal(const char *pod) {
    size_t n = strcspn(pod, ".");
    const char *dash = NULL;
    for (size_t i = 0; i < n; i++)
        if (pod[i] == '-') dash = pod + i;
    if (!dash) return -1;
    const char *d = dash + 1;
    size_t dl = (size_t)(pod + n - d);
    if (dl == 0 || dl > 9 || (dl > 1 && d[0] == '0')) return -1;
    int v = 0;
    for (size_t i = 0; i < dl; i++) {
        if (d[i] < '0' || d[i] > '9') return -1;
        v = v * 10 + (d[i] - '0');
    }
    return v;
}

int settings_host(const struct settings *s, const char *service, int i, char *out, size_t outlen,
                  ri_err *e) {
    char buf[1024];
    size_t o = 0;
    const char *vals[4];
    char num[16];
    snprintf(num, sizeof num, "%d", i);
    vals[0] = service, vals[1] = num, vals[2] = s->namespace_[0] ? s->namespace_ : "default";
    vals[3] = s->domain;
    for (const char *p = s->host_pattern; *p && o < sizeof buf - 1;) {
        size_t j = 0;
        while (*p == '{' && j < 4 && strncmp(p, placeholders[j], strlen(placeholders[j])) != 0) j++;
        if (*p == '{' && j < 4) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", vals[j]);
            p += strlen(placeholders[j]);
        } else {
            buf[o++] = *p++;
        }
    }
    if (o >= sizeof buf - 1) o = sizeof buf - 1;
    buf[o] = '\0';
    const char *why = i < 0 ? "negative member number" : dns_name_why(buf);
    if (!why && (o >= outlen || o > SET_HOST_MAX - 1)) why = "too long";
    if (why)
        return ri_fail(e, EX_CONFIG, "[cluster] host-pattern: \"%s\" gives \"%.60s%s\" for member %d of %s: %s",
                       s->host_pattern, buf, o > 60 ? "..." : "", i, service, why);
    memcpy(out, buf, o + 1);
    return 0;
}

/* "<where>: [section] key: " for key name, from the stored origin. */
static int fail_key(const struct settings *s, ri_err *e, const char *section, const char *key,
                    const char *why) {
    int idx = set_find_key(section, key);
    return ri_fail(e, EX_CONFIG, "%s: [%s] %s: %s", s->where_[idx], section, key, why);
}

static int finish_identity(struct settings *s, ri_err *e) {
    char why[200];
    if (!s->namespace_[0]) snprintf(s->namespace_, sizeof s->namespace_, "default");
    if (!s->pod_name[0]) {
        char host[SET_HOST_MAX + 1] = "";
        if (gethostname(host, sizeof host - 1) == 0 && host[0]) {
            host[SET_HOST_MAX - 1] = '\0';
            if (chk_dns_name(host, why, sizeof why))
                return ri_fail(e, EX_CONFIG, "[cluster] pod-name: the host name \"%s\" %s; set POD_NAME",
                               host, why);
            snprintf(s->pod_name, sizeof s->pod_name, "%s", host);
        }
    }
    s->ordinal = set_ordinal(s->pod_name);
    return 0;
}

int settings_finish(struct settings *s, ri_err *e) {
    int rc = finish_identity(s, e);
    if (rc) return rc;
    /* Program names follow the flavour unless set explicitly. */
    if (!s->redis_server_bin[0])
        snprintf(s->redis_server_bin, sizeof s->redis_server_bin, "%s", settings_server_program(s->flavour, 0));
    if (!s->redis_sentinel_bin[0])
        snprintf(s->redis_sentinel_bin, sizeof s->redis_sentinel_bin, "%s", settings_server_program(s->flavour, 1));
    char why[300];
    if (s->quorum > s->sentinel_replicas) {
        snprintf(why, sizeof why, "%d is more than sentinel-replicas (%d, from %s)", s->quorum,
                 s->sentinel_replicas, s->where_[set_find_key("cluster", "sentinel-replicas")]);
        return fail_key(s, e, "sentinel", "quorum", why);
    }
    s->quorum = settings_quorum(s);
    if (s->min_replicas_to_write < 0) s->min_replicas_to_write = s->redis_replicas > 1;
    if (s->min_replicas_to_write > s->redis_replicas - 1) {
        snprintf(why, sizeof why,
                 "%d is more than the %d replica(s) that redis-replicas = %d gives: the master could "
                 "never accept a write", s->min_replicas_to_write, s->redis_replicas - 1, s->redis_replicas);
        return fail_key(s, e, "redis", "min-replicas-to-write", why);
    }
    if (s->deadline_ms < s->probe_timeout_ms) {
        snprintf(why, sizeof why, "%d ms is shorter than probe-timeout (%d ms)", s->deadline_ms,
                 s->probe_timeout_ms);
        return fail_key(s, e, "discovery", "deadline", why);
    }
    if (s->round_interval_ms > s->deadline_ms) {
        snprintf(why, sizeof why, "%d ms is longer than deadline (%d ms)", s->round_interval_ms,
                 s->deadline_ms);
        return fail_key(s, e, "discovery", "round-interval", why);
    }
    /* Expand the last member of both services now, so a pattern that cannot
     * give valid names fails here rather than in the middle of discovery. */
    char host[SET_HOST_MAX];
    if ((rc = settings_host(s, s->redis_service, s->redis_replicas - 1, host, sizeof host, e)) ||
        (rc = settings_host(s, s->sentinel_service, s->sentinel_replicas - 1, host, sizeof host, e)))
        return ri_prefix(e, "%s", s->where_[set_find_key("cluster", "host-pattern")]);
    return 0;
}
