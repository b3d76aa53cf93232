/* settings.c: the key table (every key, its type, range, check, alias and
 * default), settings_init(), settings_set() with origin tracking, and
 * settings_dump().
 * Loading from INI/env/flags is in settings_load.c; derivation and
 * cross-key rules in derive.c. */
#include "config/settings.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/acl.h"
#include "config/settings_int.h"
#include "config/validate.h"

#define MS_MAX 86400000 /* one day: keeps ms arithmetic far from INT_MAX */

#define OFF(f) offsetof(struct settings, f)
#define STR(sec, name, f, chk, alias, def)                                                         \
    { sec, name, K_STR, OFF(f), sizeof(((struct settings *)0)->f), 0, 0, 0, chk, alias, def }
#define INT(sec, name, f, lo, hi, alias, def)                                                      \
    { sec, name, K_INT, OFF(f), 0, 0, lo, hi, NULL, alias, def }

/* Order = INI order = dump order = docs order. */
const struct key_def set_keys[] = {
    {"server", "flavour", K_FLAVOUR, OFF(flavour), 0, 0, 0, 0, NULL, NULL, "redis"},

    STR("cluster", "master-name", master_name, validate_master_name, NULL, "mymaster"),
    STR("cluster", "namespace", namespace_, validate_label_or_empty, "POD_NAMESPACE", ""),
    STR("cluster", "domain", domain, validate_dns_name, NULL, "cluster.local"),
    STR("cluster", "redis-service", redis_service, validate_label, NULL, "redis-cluster-server"),
    STR("cluster", "sentinel-service", sentinel_service, validate_label, NULL,
        "redis-cluster-sentinel"),
    INT("cluster", "redis-replicas", redis_replicas, 1, SET_MAX_REPLICAS, NULL, "3"),
    INT("cluster", "sentinel-replicas", sentinel_replicas, 1, SET_MAX_REPLICAS, NULL, "3"),
    INT("cluster", "redis-port", redis_port, 1, 65535, NULL, "6379"),
    INT("cluster", "sentinel-port", sentinel_port, 1, 65535, NULL, "26379"),
    STR("cluster", "host-pattern", host_pattern, validate_host_pattern, NULL,
        "{service}-{i}.{service}.{namespace}.svc.{domain}"),
    STR("cluster", "pod-name", pod_name, validate_host_or_empty, "POD_NAME", ""),

    STR("paths", "conf-dir", conf_dir, validate_path, "REDIS_INIT_CONF_DIR", "/conf"),
    STR("paths", "secrets", secrets_path, validate_path, "REDIS_INIT_SECRETS", "/src/config.json"),
    STR("paths", "templates", templates_dir, validate_path_or_empty, NULL, ""),
    STR("paths", "redis-server", redis_server_bin, validate_path_or_empty, NULL, ""),
    STR("paths", "redis-sentinel", redis_sentinel_bin, validate_path_or_empty, NULL, ""),
    STR("paths", "redis-init", redis_init_bin, validate_path_or_empty, NULL, ""),
    STR("paths", "haproxy", haproxy_bin, validate_path, NULL, "haproxy"),
    STR("paths", "webdis", webdis_bin, validate_path, NULL, "webdis"),
    STR("paths", "termination-log", termination_log, validate_path_or_empty, NULL,
        "/dev/termination-log"),

    STR("redis", "dir", data_dir, validate_path, "REDIS_INIT_DATA_DIR", "/data"),
    STR("redis", "bind", bind, validate_line, NULL, "* -::*"),
    {"redis", "persistence", K_PERSIST, OFF(persistence), 0, 0, 0, 0, NULL, NULL, "hybrid"},
    STR("redis", "save", save, validate_save, NULL, "3600 1 300 100 60 10000"),
    STR("redis", "appendfsync", appendfsync, validate_appendfsync, NULL, "everysec"),
    INT("redis", "min-replicas-to-write", min_replicas_to_write, -1, SET_MAX_REPLICAS - 1, NULL,
        "-1"),
    INT("redis", "min-replicas-max-lag", min_replicas_max_lag, 1, 86400, NULL, "5"),
    INT("redis", "replica-priority", replica_priority, 0, INT_MAX, NULL, "100"),
    {"redis", "loadmodule", K_LIST, OFF(loadmodule), 0, OFF(n_loadmodule), 0, 0,
     validate_loadmodule, NULL, ""},
    {"redis", "directive", K_LIST, OFF(directive), 0, OFF(n_directive), 0, 0, validate_directive,
     NULL, ""},

    INT("sentinel", "quorum", quorum, 0, SET_MAX_REPLICAS, "SENTINEL_QUORUM", "0"),
    INT("sentinel", "down-after", down_after_ms, 1, MS_MAX, "SENTINEL_DOWN_AFTER", "10000"),
    INT("sentinel", "failover-timeout", failover_timeout_ms, 1, MS_MAX, "SENTINEL_FAILOVER",
        "180000"),
    INT("sentinel", "parallel-syncs", parallel_syncs, 1, SET_MAX_REPLICAS, NULL, "1"),

    INT("discovery", "probe-timeout", probe_timeout_ms, 1, MS_MAX, NULL, "1000"),
    INT("discovery", "deadline", deadline_ms, 1, MS_MAX, NULL, "60000"),
    INT("discovery", "round-interval", round_interval_ms, 1, MS_MAX, NULL, "1000"),
    INT("discovery", "dns-wait", dns_wait_ms, 0, MS_MAX, NULL, "30000"),
    INT("discovery", "fresh-start-wait", fresh_start_wait_ms, 0, MS_MAX, NULL, "15000"),
    STR("discovery", "adopt", adopt_pod, validate_label_or_empty, NULL, ""),

    INT("lifecycle", "check-timeout", check_timeout_ms, 1, MS_MAX, NULL, "500"),
    INT("lifecycle", "prestop-timeout", prestop_timeout_ms, 1, MS_MAX, NULL, "20000"),
    {"lifecycle", "agent", K_BOOL, OFF(agent_on), 0, 0, 0, 0, NULL, NULL, "on"},
    INT("lifecycle", "watch-interval", watch_interval_ms, 10, 100, NULL, "100"),

    {"acl", "default-user", K_BOOL, OFF(default_user_on), 0, 0, 0, 0, NULL, NULL, "off"},
    STR("acl", "sentinel-default-user", sentinel_default_user, validate_sentinel_default_user, NULL,
        "off"),
    {"acl", "user", K_USERS, OFF(users), 0, OFF(n_users), 0, 0, NULL, NULL, ""},

    STR("router", "service", router_service, validate_label, NULL, "redis-cluster-router"),
    STR("router", "host", router_host, validate_host_or_empty, NULL, ""),
    INT("webdis", "port", webdis_port, 1, 65535, NULL, "7379"),

    INT("metrics", "port", metrics_port, 0, 65535, NULL, "0"),
    STR("metrics", "address", metrics_address, validate_ip_or_empty, NULL, ""),
    STR("metrics", "exporter-dir", exporter_dir, validate_path_or_empty, NULL, ""),
    STR("metrics", "exporter-user", exporter_user, validate_line, NULL, ""),

    STR("tls", "mode", tls_mode_name, validate_tls_mode, NULL, "off"),
    STR("tls", "auth-clients", tls_auth_clients, validate_tls_auth_clients, NULL, "no"),
    STR("tls", "dir", tls_dir, validate_path, NULL, "/tls"),
    STR("tls", "cert", tls_cert, validate_file_name, NULL, "tls.crt"),
    STR("tls", "key", tls_key, validate_file_name, NULL, "tls.key"),
    STR("tls", "ca", tls_ca, validate_file_name, NULL, "ca.crt"),
    STR("tls", "client-cert", tls_client_cert, validate_file_name_or_empty, NULL, ""),
    STR("tls", "client-key", tls_client_key, validate_file_name_or_empty, NULL, ""),
    STR("tls", "protocols", tls_protocols, validate_tls_protocols, NULL, "TLSv1.2 TLSv1.3"),
    STR("tls", "ciphers", tls_ciphers, validate_line, NULL, ""),
    STR("tls", "ciphersuites", tls_ciphersuites, validate_line, NULL, ""),
    INT("tls", "plain-port", tls_plain_port, 0, 65535, NULL, "0"),
    INT("tls", "plain-sentinel-port", tls_plain_sentinel_port, 0, 65535, NULL, "0"),
    INT("tls", "expiry-warning", tls_expiry_warning_days, 0, 3650, NULL, "30"),

    {"credentials", "live", K_BOOL, OFF(creds_live), 0, 0, 0, 0, NULL, NULL, "on"},
    INT("credentials", "grace", creds_grace_ms, 0, MS_MAX, NULL, "3600000"),
    STR("credentials", "drop", creds_drop, validate_creds_drop, NULL, "grace"),
};
const int set_n_keys = (int)(sizeof set_keys / sizeof set_keys[0]);

_Static_assert(sizeof set_keys / sizeof set_keys[0] <= sizeof(((struct settings *)0)->origin_),
               "origin_ must have a slot per key");

static const char *const sections[] = {"server",    "cluster",   "paths",      "redis",  "sentinel",
                                       "discovery", "lifecycle", "acl",        "router", "webdis",
                                       "metrics",   "tls",       "credentials"};
static const char *const persist_names[] = {"hybrid", "aof", "rdb", "none"};
static const char *const flavour_names[] = {"redis", "valkey"};

const char *settings_server_program(enum flavour f, int sentinel) {
    static const char *const prog[2][2] = {{"redis-server", "redis-sentinel"},
                                           {"valkey-server", "valkey-sentinel"}};
    return prog[f == FLAVOUR_VALKEY][sentinel != 0];
}

int set_known_section(const char *section) {
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (strcmp(sections[i], section) == 0) return 1;
    return 0;
}

int set_find_key(const char *section, const char *key) {
    for (int i = 0; i < set_n_keys; i++)
        if (strcmp(set_keys[i].section, section) == 0 && strcmp(set_keys[i].name, key) == 0)
            return i;
    return -1;
}

void set_env_name(const struct key_def *k, char *out, size_t outlen) {
    snprintf(out, outlen, "REDIS_INIT_%s_%s", k->section, k->name);
    for (char *p = out; *p; p++)
        *p = *p == '-' ? '_' : (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
}

static void *field(struct settings *s, const struct key_def *k) { return (char *)s + k->off; }
static const void *cfield(const struct settings *s, const struct key_def *k) {
    return (const char *)s + k->off;
}
static int *count_of(struct settings *s, const struct key_def *k) {
    return (int *)(void *)((char *)s + k->count_off);
}

/* ---------------------------------------------------------------------------
 * Value parsing
 * ------------------------------------------------------------------------ */

static int bad_value(ri_err *e, const char *where, const struct key_def *k, const char *why) {
    return ri_fail(e, EX_CONFIG, "%s: [%s] %s: %s", where, k->section, k->name, why);
}

/* Whole string, base 10, no sign games beyond one leading '-'. */
static int parse_int(const char *v, long *out) {
    if (!*v || (*v != '-' && (*v < '0' || *v > '9'))) return -1;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end) return -1;
    *out = n;
    return 0;
}

static int parse_bool(const char *v) {
    static const char *const yes[] = {"yes", "on", "true", "1"}, *const no[] = {"no", "off",
                                                                                "false", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) return 1;
        if (strcasecmp(v, no[i]) == 0) return 0;
    }
    return -1;
}

static int parse_choice(const char *v, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (strcmp(v, names[i]) == 0) return i;
    return -1;
}

/* Parse and check v for key k into a scratch value; nothing is stored.
 * Strings/items are checked by length and k->check. */
static int check_value(const struct key_def *k, const char *where, const char *v, long *num,
                       struct acl_extra_user *u, ri_err *e) {
    char why[300];
    size_t len = strlen(v), max = k->type == K_STR ? k->size - 1 : SET_LINE_MAX - 1;
    switch (k->type) {
    case K_INT:
        if (parse_int(v, num)) {
            snprintf(why, sizeof why, "\"%.40s\" is not an integer", v);
            return bad_value(e, where, k, why);
        }
        if (*num < k->min || *num > k->max) {
            snprintf(why, sizeof why, "%.40s is out of range %d..%d", v, k->min, k->max);
            return bad_value(e, where, k, why);
        }
        return 0;
    case K_BOOL:
        if ((*num = parse_bool(v)) < 0) {
            snprintf(why, sizeof why,
                     "\"%.40s\" is not a boolean (yes/no, on/off, true/false, 1/0)", v);
            return bad_value(e, where, k, why);
        }
        return 0;
    case K_PERSIST:
        if ((*num = parse_choice(v, persist_names, 4)) < 0) {
            snprintf(why, sizeof why, "\"%.40s\" is not one of hybrid, aof, rdb, none", v);
            return bad_value(e, where, k, why);
        }
        return 0;
    case K_FLAVOUR:
        if ((*num = parse_choice(v, flavour_names, 2)) < 0) {
            snprintf(why, sizeof why, "\"%.40s\" is not one of redis, valkey", v);
            return bad_value(e, where, k, why);
        }
        return 0;
    case K_USERS:
        if (acl_parse_user(v, u, e)) return ri_prefix(e, "%s: [%s] %s", where, k->section, k->name);
        return 0;
    case K_STR:
    case K_LIST:
        if (len > max) {
            snprintf(why, sizeof why, "longer than %zu bytes", max);
            return bad_value(e, where, k, why);
        }
        if (k->check ? k->check(v, why, sizeof why) : validate_line(v, why, sizeof why))
            return bad_value(e, where, k, why);
        return 0;
    }
    return 0;
}

static void store(struct settings *s, const struct key_def *k, const char *v, long num,
                  const struct acl_extra_user *u) {
    void *f = field(s, k);
    switch (k->type) {
    case K_INT:
    case K_BOOL: *(int *)f = (int)num; break;
    case K_PERSIST: *(enum persistence *)f = (enum persistence)num; break;
    case K_FLAVOUR: *(enum flavour *)f = (enum flavour)num; break;
    case K_STR: snprintf(f, k->size, "%s", v); break;
    case K_LIST:
        snprintf(((char(*)[SET_LINE_MAX])f)[(*count_of(s, k))++], SET_LINE_MAX, "%s", v);
        break;
    case K_USERS: ((struct acl_extra_user *)f)[(*count_of(s, k))++] = *u; break;
    }
}

static int list_append_ok(struct settings *s, const struct key_def *k, const char *where,
                          const struct acl_extra_user *u, ri_err *e) {
    int n = *count_of(s, k);
    if (n >= SET_LIST_MAX)
        return ri_fail(e, EX_CONFIG, "%s: [%s] %s: more than %d entries", where, k->section,
                       k->name, SET_LIST_MAX);
    if (k->type == K_USERS) {
        const struct acl_extra_user *have = field(s, k);
        for (int i = 0; i < n; i++)
            if (strcmp(have[i].name, u->name) == 0)
                return ri_fail(e, EX_CONFIG, "%s: [%s] %s: user \"%s\" is defined twice", where,
                               k->section, k->name, u->name);
    }
    return 0;
}

static void set_where(struct settings *s, int idx, const char *where) {
    snprintf(s->where_[idx], sizeof s->where_[idx], "%s", where);
}

/* ---------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

void settings_init(struct settings *s) {
    memset(s, 0, sizeof *s);
    for (int i = 0; i < set_n_keys; i++) {
        const struct key_def *k = &set_keys[i];
        long num = 0;
        if (k->type == K_INT) parse_int(k->def, &num);
        else if (k->type == K_BOOL) num = parse_bool(k->def);
        else if (k->type == K_PERSIST) num = parse_choice(k->def, persist_names, 4);
        else if (k->type == K_FLAVOUR) num = parse_choice(k->def, flavour_names, 2);
        if (k->type != K_LIST && k->type != K_USERS) store(s, k, k->def, num, NULL);
        s->origin_[i] = ORIGIN_DEFAULT;
        set_where(s, i, "default");
    }
    s->ordinal = -1;
}

/* Every value is checked, even one that a higher origin already overrode:
 * a broken line in the INI file is an error whatever the environment says. */
int settings_set(struct settings *s, enum set_origin origin, const char *where, const char *section,
                 const char *key, const char *value, ri_err *e) {
    if (!section || !key || !value)
        return ri_fail(e, EX_SOFTWARE, "%s: settings_set: NULL argument", where);
    if (!set_known_section(section))
        return ri_fail(e, EX_CONFIG, "%s: unknown section [%s]", where, section);
    int idx = set_find_key(section, key);
    if (idx < 0) return ri_fail(e, EX_CONFIG, "%s: unknown key [%s] %s", where, section, key);
    const struct key_def *k = &set_keys[idx];
    int is_list = k->type == K_LIST || k->type == K_USERS;
    long num = 0;
    struct acl_extra_user u;
    memset(&u, 0, sizeof u);
    /* An empty value for a list adds no item (it only clears, see below). */
    if (!(is_list && !*value)) {
        int rc = check_value(k, where, value, &num, &u, e);
        if (rc) return rc;
    }
    if ((int)origin < s->origin_[idx]) return 0;
    if (is_list) {
        if ((int)origin > s->origin_[idx]) *count_of(s, k) = 0;
        s->origin_[idx] = (unsigned char)origin;
        set_where(s, idx, where);
        if (!*value) return 0;
        int rc = list_append_ok(s, k, where, &u, e);
        if (rc) return rc;
    }
    s->origin_[idx] = (unsigned char)origin;
    set_where(s, idx, where);
    store(s, k, value, num, &u);
    return 0;
}

static void dump_line(void (*line)(void *, const char *), void *ctx, const struct key_def *k,
                      const char *v) {
    char buf[sizeof(struct acl_extra_user) + 64];
    snprintf(buf, sizeof buf, "%s.%s =%s%s", k->section, k->name, *v ? " " : "", v);
    line(ctx, buf);
}

void settings_dump(const struct settings *s, void (*line)(void *ctx, const char *text), void *ctx) {
    for (int i = 0; i < set_n_keys; i++) {
        const struct key_def *k = &set_keys[i];
        const void *f = cfield(s, k);
        char v[SET_LINE_MAX + 2 * SET_NAME_MAX + 4];
        int n = *(const int *)(const void *)((const char *)s + k->count_off);
        switch (k->type) {
        case K_STR: dump_line(line, ctx, k, f); break;
        case K_INT:
            snprintf(v, sizeof v, "%d", *(const int *)f);
            dump_line(line, ctx, k, v);
            break;
        case K_BOOL: dump_line(line, ctx, k, *(const int *)f ? "on" : "off"); break;
        case K_PERSIST:
            dump_line(line, ctx, k, persist_names[*(const enum persistence *)f & 3]);
            break;
        case K_FLAVOUR:
            dump_line(line, ctx, k, flavour_names[*(const enum flavour *)f == FLAVOUR_VALKEY]);
            break;
        case K_LIST:
            if (n == 0) dump_line(line, ctx, k, "");
            for (int j = 0; j < n; j++)
                dump_line(line, ctx, k, ((const char(*)[SET_LINE_MAX])f)[j]);
            break;
        case K_USERS:
            if (n == 0) dump_line(line, ctx, k, "");
            for (int j = 0; j < n; j++) {
                const struct acl_extra_user *u = &((const struct acl_extra_user *)f)[j];
                snprintf(v, sizeof v, "%s %s %s", u->name, u->secret_key, u->rules);
                dump_line(line, ctx, k, v);
            }
            break;
        }
    }
    char buf[64];
    snprintf(buf, sizeof buf, "# cluster.ordinal = %d (derived from pod-name)", s->ordinal);
    line(ctx, buf);
}
