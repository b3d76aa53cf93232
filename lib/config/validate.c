/* validate.c: the value checks of single settings keys (see validate.h). */
#include "config/validate.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/quote.h"

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), -1)

static int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ---------------------------------------------------------------------------
 * Single-key checks
 * ------------------------------------------------------------------------ */

int validate_master_name(const char *v, char *why, size_t whylen) {
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

int validate_label(const char *v, char *why, size_t whylen) {
    if (!label_ok(v, strlen(v)))
        return WHY("must be a DNS label: 1..63 letters, digits, '-' or '_', starting and ending "
                   "with a letter or digit");
    return 0;
}

int validate_label_or_empty(const char *v, char *why, size_t whylen) {
    return *v ? validate_label(v, why, whylen) : 0;
}

/* NULL if v is a valid DNS name (labels as label_ok), else the reason. */
const char *validate_dns_name_why(const char *v) {
    size_t len = strlen(v);
    if (len == 0) return "empty";
    if (len > 253) return "longer than 253 bytes";
    for (const char *p = v;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n > 63) return "a label is longer than 63 bytes";
        if (!label_ok(p, n))
            return "a label is empty, or not letters, digits, '-' and '_' starting and ending with "
                   "a letter or digit";
        if (!dot) return NULL;
        p = dot + 1;
    }
}

static int dns_name_ok(const char *v) { return validate_dns_name_why(v) == NULL; }

int validate_dns_name(const char *v, char *why, size_t whylen) {
    if (!dns_name_ok(v))
        return WHY("must be a DNS name: dot-separated labels of letters, digits, '-' or '_', "
                   "at most 253 bytes, no trailing dot");
    return 0;
}

int validate_host_or_empty(const char *v, char *why, size_t whylen) {
    return *v ? validate_dns_name(v, why, whylen) : 0;
}

/* An address to listen on: empty (every address) or one IPv4 / IPv6
 * literal, never a name (resolving it could pick any of several). */
int validate_ip_or_empty(const char *v, char *why, size_t whylen) {
    unsigned char a[16];
    if (!*v || inet_pton(AF_INET, v, a) == 1 || inet_pton(AF_INET6, v, a) == 1) return 0;
    return WHY("must be an IPv4 or IPv6 address, or empty for every address");
}

/* Printable ASCII on one line: these values are written into config files
 * verbatim, where a newline would start a directive of its own. */
int validate_line(const char *v, char *why, size_t whylen) {
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p > 0x7e) return WHY("must be printable ASCII on one line");
    return 0;
}

int validate_path_or_empty(const char *v, char *why, size_t whylen) {
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return WHY("must not contain control characters");
    return 0;
}

int validate_path(const char *v, char *why, size_t whylen) {
    if (!*v) return WHY("must not be empty");
    return validate_path_or_empty(v, why, whylen);
}

const char *const validate_placeholders[4] = {"{service}", "{i}", "{namespace}", "{domain}"};

int validate_host_pattern(const char *v, char *why, size_t whylen) {
    int has_i = 0;
    for (const char *p = v; *p;) {
        if (*p == '{') {
            size_t j = 0;
            while (j < 4 &&
                   strncmp(p, validate_placeholders[j], strlen(validate_placeholders[j])) != 0)
                j++;
            if (j == 4)
                return WHY(
                    "unknown placeholder at \"%.20s\": use {service}, {i}, {namespace}, {domain}",
                    p);
            has_i |= j == 1;
            p += strlen(validate_placeholders[j]);
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
int validate_save(const char *v, char *why, size_t whylen) {
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

int validate_appendfsync(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "always") && strcmp(v, "everysec") && strcmp(v, "no"))
        return WHY("must be always, everysec or no");
    return 0;
}

int validate_tls_mode(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "off") && strcmp(v, "on") && strcmp(v, "dual"))
        return WHY("must be off, on (TLS only) or dual (TLS and plain text)");
    return 0;
}

int validate_tls_auth_clients(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "no") && strcmp(v, "optional") && strcmp(v, "yes"))
        return WHY("must be no, optional or yes");
    return 0;
}

int validate_sentinel_default_user(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "off") && strcmp(v, "discovery")) return WHY("must be off or discovery");
    return 0;
}

int validate_creds_drop(const char *v, char *why, size_t whylen) {
    if (strcmp(v, "grace") && strcmp(v, "command")) return WHY("must be grace or command");
    return 0;
}

int validate_tls_protocols(const char *v, char *why, size_t whylen) {
    char buf[64];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", v);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save), n++)
        if (strcmp(t, "TLSv1.2") && strcmp(t, "TLSv1.3"))
            return WHY("\"%.20s\" is not TLSv1.2 or TLSv1.3 (older versions are not offered)", t);
    return n ? 0 : WHY("must name TLSv1.2, TLSv1.3 or both");
}

/* A file of the mounted Secret: its own name, never a path, so that every
 * file is read through the directory Kubernetes updates in place. */
int validate_file_name_or_empty(const char *v, char *why, size_t whylen) {
    if (strchr(v, '/'))
        return WHY("must be a file name in [tls] dir, not a path (set dir to the mounted Secret)");
    if (!strcmp(v, ".") || !strcmp(v, "..")) return WHY("must be a file name");
    return validate_line(v, why, whylen);
}

int validate_file_name(const char *v, char *why, size_t whylen) {
    if (!*v) return WHY("must not be empty");
    return validate_file_name_or_empty(v, why, whylen);
}

int validate_loadmodule(const char *v, char *why, size_t whylen) {
    if (validate_line(v, why, whylen)) return -1;
    if (v[0] != '/') return WHY("must start with the module's absolute path");
    return 0;
}

/* Directives redis-init writes itself (or that would break what it writes),
 * with the setting to use instead. */
static const struct {
    const char *name, *instead;
} managed[] = {
    {"aclfile", "users come from the secrets and [acl] user"},
    {"user", "use [acl] user"},
    {"requirepass", "passwords come from the secrets"},
    {"masteruser", "comes from REPLICA_USERNAME"},
    {"masterauth", "comes from REPLICA_PASSWORD"},
    {"primaryuser", "comes from REPLICA_USERNAME"}, /* Valkey 8's name for masteruser */
    {"primaryauth", "comes from REPLICA_PASSWORD"}, /* Valkey 8's name for masterauth */
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

int validate_directive(const char *v, char *why, size_t whylen) {
    if (validate_line(v, why, whylen)) return -1;
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
