/* certs.h: is this certificate fit to serve this pod? Checked at boot,
 * before anything is written (docs/tls.md "Validation at boot").
 *
 * certs_check() reads the files of one certificate and answers with the
 * first thing wrong, in the order an operator would fix them:
 *   1. the files can be read and parsed (PEM);
 *   2. the key matches the certificate;
 *   3. now lies inside the validity period (not yet valid, expired);
 *   4. the chain (the certificate file's extra certificates, then the CA
 *      bundle) reaches a CA of the bundle;
 *   5. every name the pod is reached by is in the SANs (no partial
 *      wildcards, as clients match them);
 *   6. the extended key usage allows serverAuth, and clientAuth when
 *      client certificates are required (Redis presents its server
 *      certificate as its client certificate).
 * The error is one line naming the file and the reason; EX_CONFIG (78).
 * days_left gets the days until expiry (negative once expired), for the
 * warning and the metric.
 */
#ifndef RI_CERTS_H
#define RI_CERTS_H

#include <time.h>

#include "base/err.h"

#define CERTS_MAX_NAMES 8

struct certs_want {
    const char *cert, *key, *ca;        /* paths */
    const char *names[CERTS_MAX_NAMES]; /* DNS names the SANs must cover */
    int n_names;
    int client_auth; /* the clientAuth EKU is required */
    int client_only; /* a client's certificate: serverAuth is not required */
    time_t now;
};

int certs_check(const struct certs_want *w, long *days_left, ri_err *e);

/* The SHA-256 of the first certificate in the PEM file path (DER): what a
 * handshake must show once a rotation took. 0, or -1. */
int certs_fingerprint(const char *path, unsigned char out[32]);

/* 1 when path is a mount point of its own (a subPath mount of one file):
 * Kubernetes never updates such a file. 0 otherwise, or when unknown. */
int certs_is_own_mount(const char *path);

#endif
