/* certs.c: the boot-time check of a certificate (see certs.h). */
#include "net/certs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/tls.h"

struct loaded {
    X509 *leaf;
    STACK_OF(X509) * chain; /* the certificate file's other certificates */
    EVP_PKEY *key;
};

static const char *reason(void) { return tls_error_reason("no PEM data"); }

static int load(const struct certs_want *w, struct loaded *l, ri_err *e) {
    tls_library_init();
    FILE *f = fopen(w->cert, "r");
    if (!f)
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: cannot open: %s", w->cert,
                       strerror(errno));
    l->leaf = PEM_read_X509(f, NULL, NULL, NULL);
    l->chain = sk_X509_new_null();
    for (X509 *x; l->leaf && l->chain && (x = PEM_read_X509(f, NULL, NULL, NULL));)
        sk_X509_push(l->chain, x);
    ERR_clear_error(); /* the end of the file */
    fclose(f);
    if (!l->leaf)
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: no PEM certificate in the file",
                       w->cert);
    if (!(f = fopen(w->key, "r")))
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] key: cannot open: %s", w->key,
                       strerror(errno));
    l->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!l->key)
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] key: not a PEM private key (%s)", w->key,
                       reason());
    return 0;
}

static void unload(struct loaded *l) {
    X509_free(l->leaf);
    sk_X509_pop_free(l->chain, X509_free);
    EVP_PKEY_free(l->key);
}

static void date(const ASN1_TIME *t, char *out, size_t n) {
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm) != 1) snprintf(out, n, "?");
    else strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static int check_dates(const struct certs_want *w, X509 *leaf, long *days_left, ri_err *e) {
    char when[40];
    const ASN1_TIME *nb = X509_get0_notBefore(leaf), *na = X509_get0_notAfter(leaf);
    time_t now = w->now;
    if (X509_cmp_time(nb, &now) > 0) {
        date(nb, when, sizeof when);
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: not yet valid (valid from %s)", w->cert,
                       when);
    }
    int days = 0, secs = 0;
    ASN1_TIME *t = ASN1_TIME_set(NULL, now);
    if (t && ASN1_TIME_diff(&days, &secs, t, na)) *days_left = days;
    ASN1_TIME_free(t);
    if (X509_cmp_time(na, &now) < 0) {
        date(na, when, sizeof when);
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: expired on %s", w->cert, when);
    }
    return 0;
}

static int check_chain(const struct certs_want *w, const struct loaded *l, ri_err *e) {
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = 0;
    if (!store || !ctx) rc = ri_fail(e, EX_OSERR, "tls: out of memory");
    else if (X509_STORE_load_file(store, w->ca) != 1)
        rc = ri_fail(e, EX_CONFIG, "tls: %s: [tls] ca: cannot load the CA bundle (%s)", w->ca,
                     reason());
    else if (X509_STORE_CTX_init(ctx, store, l->leaf, l->chain) != 1)
        rc = ri_fail(e, EX_OSERR, "tls: cannot verify: %s", reason());
    else {
        /* Dates were checked on the certificate; here only the path. */
        X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
        if (X509_verify_cert(ctx) != 1)
            rc = ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: does not chain to the CA in %s: %s",
                         w->cert, w->ca,
                         X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

/* A name as a client would match it: an address against the IP SANs. */
static int covers(X509 *leaf, const char *name) {
    unsigned char a[16];
    if (inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1)
        return X509_check_ip_asc(leaf, name, 0) == 1;
    return X509_check_host(leaf, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}

static int check_usage(const struct certs_want *w, X509 *leaf, ri_err *e) {
    for (int i = 0; i < w->n_names; i++)
        if (!covers(leaf, w->names[i]))
            return ri_fail(e, EX_CONFIG,
                           "tls: %s: [tls] cert: its SANs do not cover %s, a name this pod is "
                           "reached by",
                           w->cert, w->names[i]);
    if (!(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE)) return 0; /* no EKU: any use */
    uint32_t xku = X509_get_extended_key_usage(leaf);
    if (!w->client_only && !(xku & XKU_SSL_SERVER))
        return ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: its extended key usage lacks serverAuth",
                       w->cert);
    if (w->client_auth && !(xku & XKU_SSL_CLIENT))
        return ri_fail(e, EX_CONFIG,
                       "tls: %s: [tls] cert: its extended key usage lacks clientAuth, which "
                       "auth-clients = yes needs: Redis presents this certificate as its client "
                       "certificate to the master and to other sentinels",
                       w->cert);
    return 0;
}

int certs_check(const struct certs_want *w, long *days_left, ri_err *e) {
    struct loaded l = {0};
    int rc = load(w, &l, e);
    *days_left = 0;
    if (!rc && X509_check_private_key(l.leaf, l.key) != 1)
        rc = ri_fail(e, EX_CONFIG, "tls: %s: [tls] key: does not match the certificate %s", w->key,
                     w->cert);
    ERR_clear_error();
    if (!rc) rc = check_dates(w, l.leaf, days_left, e);
    if (!rc) rc = check_chain(w, &l, e);
    if (!rc) rc = check_usage(w, l.leaf, e);
    unload(&l);
    return rc;
}

int certs_fingerprint(const char *path, unsigned char out[32]) {
    tls_library_init();
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    unsigned int n = 0;
    int ok = x && X509_digest(x, EVP_sha256(), out, &n) == 1 && n == 32;
    X509_free(x);
    ERR_clear_error();
    return ok ? 0 : -1;
}

/* mountinfo writes a space, tab, newline or backslash as \ooo. */
static void unescape(char *s) {
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else *o++ = *p;
    }
    *o = '\0';
}

int certs_is_own_mount(const char *path) {
    char real[PATH_MAX], line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f) return 0;
    if (!realpath(path, real)) real[0] = '\0';
    int own = 0;
    while (!own && fgets(line, sizeof line, f)) {
        /* id parent major:minor root mount-point ... */
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        for (int i = 0; tok && i < 4; i++) tok = strtok_r(NULL, " ", &save);
        if (!tok) continue;
        unescape(tok);
        own = !strcmp(tok, path) || (real[0] && !strcmp(tok, real));
    }
    fclose(f);
    return own;
}
