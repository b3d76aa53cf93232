/* observation.c: names of outcomes and roles, and matching hosts to peers. */
#include "model/observation.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

static const char *const outcome_names[OUT__COUNT] = {
    [OUT_ANSWER] = "answer",           [OUT_NIL_MASTER] = "nil-master",
    [OUT_NOT_FOUND] = "not-found",     [OUT_DNS_FAILURE] = "dns-failure",
    [OUT_REFUSED] = "refused",         [OUT_TIMEOUT] = "timeout",
    [OUT_AUTH_FAILED] = "auth-failed", [OUT_ERROR] = "error",
    [OUT_NOT_AWAITED] = "not-awaited", [OUT_SELF] = "self",
};

const char *outcome_name(enum outcome o) {
    if ((int)o < 0 || o >= OUT__COUNT) return "invalid";
    return outcome_names[o];
}

int outcome_is_unknown(enum outcome o) {
    return o == OUT_TIMEOUT || o == OUT_DNS_FAILURE || o == OUT_AUTH_FAILED || o == OUT_ERROR ||
           o == OUT_NOT_AWAITED;
}

int outcome_is_down(enum outcome o) { return o == OUT_NOT_FOUND || o == OUT_REFUSED; }

const char *role_name(enum role r) {
    switch (r) {
    case ROLE_MASTER: return "master";
    case ROLE_REPLICA: return "replica";
    case ROLE_INIT: return "init";
    default: return "unknown";
    }
}

/* Length without one trailing dot: "a.b." and "a.b" are the same FQDN. */
static size_t host_len(const char *h) {
    size_t n = strlen(h);
    if (n > 0 && h[n - 1] == '.') n--;
    return n;
}

int host_equal(const char *a, const char *b) {
    if (!a || !b) return 0;
    size_t na = host_len(a), nb = host_len(b);
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
    return 1;
}

/* Parse a numeric IPv4/IPv6 literal into a comparable binary form, so that
 * "::1" and "0:0::1" (or differently written v6 addresses) compare equal. */
static int parse_ip(const char *s, int *family, unsigned char bin[16]) {
    if (inet_pton(AF_INET, s, bin) == 1) {
        *family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, s, bin) == 1) {
        *family = AF_INET6;
        return 1;
    }
    return 0;
}

static int ip_equal(int fa, const unsigned char *a, const char *other) {
    int fb;
    unsigned char b[16];
    if (!parse_ip(other, &fb, b) || fa != fb) return 0;
    return memcmp(a, b, fa == AF_INET ? 4 : 16) == 0;
}

int obs_find_redis(const struct observations *o, const char *host, int port) {
    if (!o || !host || !*host) return -1;
    int n = o->n_redis < 0 ? 0 : (o->n_redis > OBS_MAX_PEERS ? OBS_MAX_PEERS : o->n_redis);
    for (int i = 0; i < n; i++)
        if (o->redis[i].p.port == port && host_equal(o->redis[i].p.host, host)) return i;
    /* Sentinels and replicas may report a master by IP (no announce-hostnames
     * yet): match it against addresses we resolved ourselves, but only for
     * entries that answered, so the address is known to be that pod's now. */
    int fam;
    unsigned char bin[16];
    if (!parse_ip(host, &fam, bin)) return -1;
    for (int i = 0; i < n; i++) {
        const struct peer_common *p = &o->redis[i].p;
        if (p->outcome == OUT_ANSWER && p->port == port && p->addr[0] &&
            ip_equal(fam, bin, p->addr))
            return i;
    }
    return -1;
}
