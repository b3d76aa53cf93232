/* dns.c: getaddrinfo() with its failures sorted into outcomes.
 *
 * _GNU_SOURCE only to see EAI_NODATA on glibc (musl defines it anyway):
 * glibc returns it for a name that exists without addresses, which for a
 * headless Service means "no pod published", i.e. not found. */
#define _GNU_SOURCE
#include "net/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

static void numeric(const struct sockaddr *sa, char *out, size_t len) {
    const void *a = sa->sa_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (!inet_ntop(sa->sa_family, a, out, (socklen_t)len)) out[0] = '\0';
}

static int is_not_found(int rc) {
    if (rc == EAI_NONAME) return 1;
#ifdef EAI_NODATA
    if (rc == EAI_NODATA) return 1;
#endif
#ifdef EAI_ADDRFAMILY
    if (rc == EAI_ADDRFAMILY) return 1; /* name exists, no address of any family we take */
#endif
    return 0;
}

enum outcome dns_resolve(const char *host, int port, struct resolved *r, char *detail,
                         size_t detaillen) {
    memset(r, 0, sizeof *r);
    if (detaillen) detail[0] = '\0';
    if (!host || !*host) {
        snprintf(detail, detaillen, "dns: empty host name");
        return OUT_NOT_FOUND;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char svc[16];
    snprintf(svc, sizeof svc, "%d", port < 0 || port > 65535 ? 0 : port);
    int rc = getaddrinfo(host, svc, &hints, &res);
    if (rc != 0) {
        /* The message is for humans only: never compared (glibc and musl differ). */
        int saved = errno;
        if (is_not_found(rc)) {
            snprintf(detail, detaillen, "dns: name not found");
            return OUT_NOT_FOUND;
        }
        snprintf(detail, detaillen, "dns: %s",
                 rc == EAI_SYSTEM ? strerror(saved) : gai_strerror(rc));
        return OUT_DNS_FAILURE;
    }
    /* The resolvers already order answers by reachability (RFC 6724). */
    if (!res || res->ai_addrlen > sizeof r->sa) {
        if (res) freeaddrinfo(res);
        snprintf(detail, detaillen, "dns: no usable address");
        return OUT_DNS_FAILURE;
    }
    memcpy(&r->sa, res->ai_addr, res->ai_addrlen);
    r->salen = res->ai_addrlen;
    numeric(res->ai_addr, r->addr, sizeof r->addr);
    freeaddrinfo(res);
    return OUT_ANSWER;
}

enum outcome dns_wait(const char *host, int timeout_ms, char *detail, size_t detaillen) {
    double t0 = mono_ms();
    for (;;) {
        struct resolved r;
        enum outcome o = dns_resolve(host, 0, &r, detail, detaillen);
        if (o == OUT_ANSWER) return o;
        double left = timeout_ms - (mono_ms() - t0);
        if (left <= 0) return o;
        sleep_ms(left < 200 ? left : 200);
    }
}
