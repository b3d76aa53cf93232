/* dns.h: name resolution with outcomes kept apart.
 *
 * getaddrinfo() has no timeout of its own; callers bound it (probe rounds run
 * it on worker threads and stop waiting at the round deadline). Both glibc
 * and musl read /etc/resolv.conf and /etc/hosts, so a static musl binary
 * resolves Kubernetes names without NSS. Never match on resolver error
 * strings: glibc and musl word them differently; use the outcome.
 */
#ifndef RI_DNS_H
#define RI_DNS_H

#include <stddef.h>
#include <sys/socket.h>

#include "model/observation.h"

struct resolved {
    struct sockaddr_storage sa;
    socklen_t salen;
    char addr[64]; /* numeric form, for reports */
};

/* OUT_ANSWER with *r filled, OUT_NOT_FOUND (EAI_NONAME/EAI_NODATA), or
 * OUT_DNS_FAILURE (EAI_AGAIN, EAI_FAIL, anything else) with detail set. */
enum outcome dns_resolve(const char *host, int port, struct resolved *r, char *detail,
                         size_t detaillen);

/* Poll until host resolves or timeout_ms passes (every 200 ms). Returns
 * OUT_ANSWER or the last failure outcome. Used before a pod announces itself. */
enum outcome dns_wait(const char *host, int timeout_ms, char *detail, size_t detaillen);

#endif
