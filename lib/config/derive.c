/* derive.c: what settings_finish() derives from the keys (identity,
 * program names, auto quorum and fencing), the rules that involve more
 * than one key, and the members' host names (see settings.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/settings.h"
#include "config/settings_int.h"
#include "config/validate.h"

/* StatefulSet pods are "<name>-<N>"; leading zeros never occur there, so
 * "redis-007" has no ordinal (its host name could not be built from one). */
static int pod_ordinal(const char *pod) {
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
        while (*p == '{' && j < 4 &&
               strncmp(p, validate_placeholders[j], strlen(validate_placeholders[j])) != 0)
            j++;
        if (*p == '{' && j < 4) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", vals[j]);
            p += strlen(validate_placeholders[j]);
        } else {
            buf[o++] = *p++;
        }
    }
    if (o >= sizeof buf - 1) o = sizeof buf - 1;
    buf[o] = '\0';
    const char *why = i < 0 ? "negative member number" : validate_dns_name_why(buf);
    if (!why && (o >= outlen || o > SET_HOST_MAX - 1)) why = "too long";
    if (why)
        return ri_fail(e, EX_CONFIG,
                       "[cluster] host-pattern: \"%s\" gives \"%.60s%s\" for member %d of %s: %s",
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
            if (validate_dns_name(host, why, sizeof why))
                return ri_fail(e, EX_CONFIG,
                               "[cluster] pod-name: the host name \"%s\" %s; set POD_NAME", host,
                               why);
            snprintf(s->pod_name, sizeof s->pod_name, "%s", host);
        }
    }
    s->ordinal = pod_ordinal(s->pod_name);
    return 0;
}

/* [tls]: the mode and client policy as numbers, and the rules between the
 * ports of mode dual and the client certificate's two files. */
static int finish_tls(struct settings *s, ri_err *e) {
    char why[200];
    s->tls = !strcmp(s->tls_mode_name, "on")     ? TLS_ON
             : !strcmp(s->tls_mode_name, "dual") ? TLS_DUAL
                                                 : TLS_OFF;
    s->tls_auth =
        !strcmp(s->tls_auth_clients, "yes") ? 2 : !strcmp(s->tls_auth_clients, "optional");
    const struct {
        const char *key;
        int port, other;
    } plain[2] = {{"plain-port", s->tls_plain_port, s->redis_port},
                  {"plain-sentinel-port", s->tls_plain_sentinel_port, s->sentinel_port}};
    for (int i = 0; i < 2; i++) {
        if (s->tls != TLS_DUAL && plain[i].port)
            return fail_key(s, e, "tls", plain[i].key,
                            "is only used with mode = dual (the plain-text port beside TLS)");
        if (s->tls == TLS_DUAL && !plain[i].port)
            return fail_key(s, e, "tls", plain[i].key,
                            "must be set with mode = dual: the plain-text port beside the TLS one");
        if (s->tls == TLS_DUAL && plain[i].port == plain[i].other) {
            snprintf(why, sizeof why, "%d is also the TLS port ([cluster] %s-port)", plain[i].port,
                     i ? "sentinel" : "redis");
            return fail_key(s, e, "tls", plain[i].key, why);
        }
    }
    if (!s->tls_client_cert[0] != !s->tls_client_key[0])
        return fail_key(s, e, "tls", s->tls_client_cert[0] ? "client-key" : "client-cert",
                        "client-cert and client-key go together (both empty: the server's own)");
    return 0;
}

/* [discovery] adopt: a redis pod of this cluster, by name. */
static int finish_adopt(struct settings *s, ri_err *e) {
    char why[200];
    s->adopt_ordinal = -1;
    if (!s->adopt_pod[0]) return 0;
    int n = pod_ordinal(s->adopt_pod);
    if (n < 0) {
        snprintf(why, sizeof why, "\"%s\" has no -N ordinal suffix: name a redis pod",
                 s->adopt_pod);
        return fail_key(s, e, "discovery", "adopt", why);
    }
    if (n >= s->redis_replicas) {
        snprintf(why, sizeof why, "%s has ordinal %d, but [cluster] redis-replicas is %d",
                 s->adopt_pod, n, s->redis_replicas);
        return fail_key(s, e, "discovery", "adopt", why);
    }
    s->adopt_ordinal = n;
    return 0;
}

int settings_finish(struct settings *s, ri_err *e) {
    int rc = finish_identity(s, e);
    if (rc) return rc;
    if ((rc = finish_adopt(s, e))) return rc;
    if ((rc = finish_tls(s, e))) return rc;
    /* Program names follow the flavour unless set explicitly. */
    if (!s->redis_server_bin[0])
        snprintf(s->redis_server_bin, sizeof s->redis_server_bin, "%s",
                 settings_server_program(s->flavour, 0));
    if (!s->redis_sentinel_bin[0])
        snprintf(s->redis_sentinel_bin, sizeof s->redis_sentinel_bin, "%s",
                 settings_server_program(s->flavour, 1));
    char why[300];
    if (s->quorum > s->sentinel_replicas) {
        snprintf(why, sizeof why, "%d is more than sentinel-replicas (%d, from %s)", s->quorum,
                 s->sentinel_replicas, s->where_[set_find_key("cluster", "sentinel-replicas")]);
        return fail_key(s, e, "sentinel", "quorum", why);
    }
    s->quorum = settings_quorum(s);
    if (s->min_replicas_to_write < 0) s->min_replicas_to_write = s->redis_replicas > 1;
    if (s->min_replicas_to_write > s->redis_replicas - 1) {
        snprintf(
            why, sizeof why,
            "%d is more than the %d replica(s) that redis-replicas = %d gives: the master could "
            "never accept a write",
            s->min_replicas_to_write, s->redis_replicas - 1, s->redis_replicas);
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
        (rc =
             settings_host(s, s->sentinel_service, s->sentinel_replicas - 1, host, sizeof host, e)))
        return ri_prefix(e, "%s", s->where_[set_find_key("cluster", "host-pattern")]);
    return 0;
}

int settings_quorum(const struct settings *s) {
    return s->quorum > 0 ? s->quorum : s->sentinel_replicas / 2 + 1;
}

int settings_own_host(const struct settings *s, int is_sentinel, char *out, size_t outlen,
                      ri_err *e) {
    if (s->ordinal < 0)
        return ri_fail(
            e, EX_CONFIG,
            "pod name \"%s\" has no -N ordinal suffix: set POD_NAME or [cluster] pod-name",
            s->pod_name);
    return settings_host(s, is_sentinel ? s->sentinel_service : s->redis_service, s->ordinal, out,
                         outlen, e);
}

int settings_require_member(const struct settings *s, int is_sentinel, ri_err *e) {
    int n = is_sentinel ? s->sentinel_replicas : s->redis_replicas;
    if (s->ordinal < n) return 0;
    return ri_fail(e, EX_CONFIG,
                   "pod %s has ordinal %d, but [cluster] %s-replicas is %d (members 0..%d): "
                   "scale the settings together with the StatefulSet",
                   s->pod_name, s->ordinal, is_sentinel ? "sentinel" : "redis", n, n - 1);
}
