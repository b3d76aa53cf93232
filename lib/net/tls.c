/* tls.c: the TLS contexts and handshakes of our connections (see tls.h).
 *
 * OpenSSL is spoken here and in the two places that own a TLS connection
 * (session.c, beacon.c). hiredis's TLS (libhiredis_ssl) carries the bytes,
 * but the handshake is driven here: bounded by poll(), and its failure
 * described precisely. */
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t ready; /* a background build is over */
    int building;         /* under mu */
    int built_rc;         /* under mu: the background build's result */
    ri_err built_err;
    int on;
    SSL_CTX *client, *server;
    char cert[1024], key[1024], ccert[1024], ckey[1024], ca[1024];
    char protocols[128], ciphers[512], suites[512], own[256];
    char as_addr[64], as_name[256]; /* tls_verify_as() */
    int client_certs, serve;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER};

const char *tls_error_reason(const char *fallback) {
    /* A failed fopen() ends with "system lib"; the errno queued before it
     * says more ("No such file or directory"). */
    unsigned long e, last = 0;
    int sys = 0;
    while ((e = ERR_get_error()) != 0) {
        if (ERR_GET_LIB(e) == ERR_LIB_SYS && !sys) sys = ERR_GET_REASON(e);
        last = e;
    }
    if (sys) return strerror(sys);
    const char *r = last ? ERR_reason_error_string(last) : NULL;
    return r ? r : fallback;
}

static const char *ssl_reason(void) { return tls_error_reason("unknown error"); }

/* Redis's tls-protocols syntax: the versions listed, lowest to highest. */
static int apply_protocols(SSL_CTX *ctx, const char *list) {
    int lo = 0, hi = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int v = !strcasecmp(t, "TLSv1.2")   ? TLS1_2_VERSION
                : !strcasecmp(t, "TLSv1.3") ? TLS1_3_VERSION
                                            : -1;
        if (v < 0) return -1;
        if (!lo || v < lo) lo = v;
        if (v > hi) hi = v;
    }
    if (!lo) return 0;
    return SSL_CTX_set_min_proto_version(ctx, lo) && SSL_CTX_set_max_proto_version(ctx, hi) ? 0
                                                                                            : -1;
}

static SSL_CTX *build(int server, ri_err *e) {
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) {
        ri_fail(e, EX_SOFTWARE, "tls: cannot create a context: %s", ssl_reason());
        return NULL;
    }
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* Debian's openssl.cnf asks for level 2; we do not read it (tls_setup). */
    SSL_CTX_set_security_level(ctx, 2);
    if (apply_protocols(ctx, g.protocols) != 0) {
        ri_fail(e, EX_CONFIG, "tls: [tls] protocols \"%s\": not supported by this build",
                g.protocols);
        goto fail;
    }
    if (g.ciphers[0] && !SSL_CTX_set_cipher_list(ctx, g.ciphers)) {
        ri_fail(e, EX_CONFIG, "tls: [tls] ciphers: %s", ssl_reason());
        goto fail;
    }
    if (g.suites[0] && !SSL_CTX_set_ciphersuites(ctx, g.suites)) {
        ri_fail(e, EX_CONFIG, "tls: [tls] ciphersuites: %s", ssl_reason());
        goto fail;
    }
    const char *cert = server ? g.cert : g.ccert, *key = server ? g.key : g.ckey;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
        ri_fail(e, EX_CONFIG, "tls: %s: [tls] cert: %s", cert, ssl_reason());
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        ri_fail(e, EX_CONFIG, "tls: %s: [tls] key: %s", key, ssl_reason());
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ri_fail(e, EX_CONFIG, "tls: %s: [tls] key: does not match the certificate %s", key, cert);
        goto fail;
    }
    if (SSL_CTX_load_verify_locations(ctx, g.ca, NULL) != 1) {
        ri_fail(e, EX_CONFIG, "tls: %s: [tls] ca: %s", g.ca, ssl_reason());
        goto fail;
    }
    if (!server) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    else if (g.client_certs) {
        int mode = SSL_VERIFY_PEER | (g.client_certs == 2 ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
        SSL_CTX_set_verify(ctx, mode, NULL);
        SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(g.ca));
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

void tls_library_init(void) {
    /* No atexit cleanup: a probe thread still running when the process
     * exits (an abandoned probe) must not find OpenSSL's tables freed.
     * OpenSSL runs this once; later calls cost a load. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

static int build_both(SSL_CTX **client, SSL_CTX **server, ri_err *e) {
    tls_library_init(); /* on the build's thread: 0.5 ms off discover's own path */
    *client = build(0, e);
    if (!*client) return e->code;
    *server = g.serve ? build(1, e) : NULL;
    if (g.serve && !*server) {
        SSL_CTX_free(*client);
        return e->code;
    }
    return 0;
}

static int build_settled(SSL_CTX **client, SSL_CTX **server, ri_err *e) {
    if (build_both(client, server, e) == 0) return 0;
    ri_err again = {0}; /* the first error is the one reported */
    sleep_ms(50);
    if (build_both(client, server, &again) != 0) return e->code;
    *e = (ri_err){0};
    return 0;
}

static void *build_in_background(void *unused) {
    (void)unused;
    SSL_CTX *c = NULL, *s = NULL;
    ri_err e = {0};
    int rc = build_settled(&c, &s, &e);
    pthread_mutex_lock(&g.mu);
    g.client = c;
    g.server = s;
    g.built_rc = rc;
    g.built_err = e;
    g.building = 0;
    pthread_cond_broadcast(&g.ready);
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

/* 1 when the build runs on its own thread now; 0: build in the foreground. */
static int start_background(void) {
    pthread_attr_t at;
    pthread_t th;
    if (pthread_attr_init(&at) != 0) return 0;
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 256 * 1024); /* as a probe thread's (round.c) */
    g.building = 1; /* before the thread starts: it may be over before pthread_create returns */
    int ok = pthread_create(&th, &at, build_in_background, NULL) == 0;
    pthread_attr_destroy(&at);
    if (!ok) g.building = 0;
    return ok;
}

int tls_setup(const struct tls_files *f, ri_err *e) {
    snprintf(g.cert, sizeof g.cert, "%s", f->cert);
    snprintf(g.key, sizeof g.key, "%s", f->key);
    snprintf(g.ccert, sizeof g.ccert, "%s", f->client_cert ? f->client_cert : f->cert);
    snprintf(g.ckey, sizeof g.ckey, "%s", f->client_key ? f->client_key : f->key);
    snprintf(g.ca, sizeof g.ca, "%s", f->ca);
    snprintf(g.protocols, sizeof g.protocols, "%s", f->protocols ? f->protocols : "");
    snprintf(g.ciphers, sizeof g.ciphers, "%s", f->ciphers ? f->ciphers : "");
    snprintf(g.suites, sizeof g.suites, "%s", f->ciphersuites ? f->ciphersuites : "");
    snprintf(g.own, sizeof g.own, "%s", f->own_name ? f->own_name : "");
    g.client_certs = f->require_client_certs;
    g.serve = f->serve;
    if (f->background && !g.on && start_background()) {
        g.on = 1;
        return 0;
    }
    SSL_CTX *c, *s;
    if (build_settled(&c, &s, e)) return e->code;
    SSL_CTX_free(g.client);
    SSL_CTX_free(g.server);
    g.client = c;
    g.server = s;
    g.on = 1;
    return 0;
}

/* Under g.mu: until a background build is over (at once otherwise). */
static void await_build_locked(void) {
    while (g.building) pthread_cond_wait(&g.ready, &g.mu);
}

int tls_ready(ri_err *e) {
    pthread_mutex_lock(&g.mu);
    await_build_locked();
    int rc = g.built_rc;
    if (rc) *e = g.built_err;
    pthread_mutex_unlock(&g.mu);
    return rc;
}

int tls_reload(ri_err *e) {
    SSL_CTX *c, *s;
    if (!g.on) return 0;
    tls_ready(&(ri_err){0}); /* its contexts are replaced, whatever became of them */
    if (build_both(&c, &s, e)) return e->code;
    pthread_mutex_lock(&g.mu);
    SSL_CTX *oc = g.client, *os = g.server;
    g.client = c;
    g.server = s;
    pthread_mutex_unlock(&g.mu);
    SSL_CTX_free(oc); /* a session still holding it keeps its own reference */
    SSL_CTX_free(os);
    return 0;
}

int tls_on(void) { return g.on; }

static SSL_CTX *ref(SSL_CTX **which) {
    if (!g.on) return NULL;
    pthread_mutex_lock(&g.mu);
    await_build_locked();
    SSL_CTX *ctx = *which;
    if (ctx) SSL_CTX_up_ref(ctx);
    pthread_mutex_unlock(&g.mu);
    return ctx;
}

SSL_CTX *tls_client_ctx(void) { return ref(&g.client); }
SSL_CTX *tls_server_ctx(void) { return ref(&g.server); }
void tls_ctx_free(SSL_CTX *ctx) { SSL_CTX_free(ctx); }

/* What check and prestop dial (engine/plan.h LOCAL_HOST), and its kin; not
 * the rest of 127.0.0.0/8, where a local test cluster's pods live. */
static int is_loopback(const char *host) {
    return !strcasecmp(host, "localhost") || !strcmp(host, "127.0.0.1") || !strcmp(host, "::1");
}

static int is_ip(const char *s) {
    unsigned char a[16];
    return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

const char *tls_verify_name(const char *host) {
    if (g.as_addr[0] && !strcmp(host, g.as_addr)) return g.as_name;
    return g.own[0] && is_loopback(host) ? g.own : host;
}

void tls_verify_as(const char *addr, const char *name) {
    snprintf(g.as_addr, sizeof g.as_addr, "%s", addr);
    snprintf(g.as_name, sizeof g.as_name, "%s", name);
}

/* What the peer said with an alert, or what we found wrong in its bytes. */
static const char *ssl_lib_reason(int reason) {
    switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
        return "the peer does not speak TLS here (a plain-text port?)";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        return "the peer does not trust our certificate (unknown CA)";
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED: return "the peer requires a client certificate";
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED: return "the peer rejected our certificate: expired";
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: return "the peer rejected our certificate";
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: return "the client sent no certificate";
    default: return NULL;
    }
}

void tls_describe(SSL *ssl, int ssl_err, const char *host, char *d, size_t n) {
    long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    unsigned long e = ERR_peek_error();
    const char *why = e && ERR_GET_LIB(e) == ERR_LIB_SSL ? ssl_lib_reason(ERR_GET_REASON(e)) : NULL;
    if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH)
        snprintf(d, n, "tls: hostname mismatch: the certificate does not name %s", host);
    else if (v == X509_V_ERR_CERT_HAS_EXPIRED) snprintf(d, n, "tls: the certificate expired");
    else if (v == X509_V_ERR_CERT_NOT_YET_VALID)
        snprintf(d, n, "tls: the certificate is not yet valid");
    else if (v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
             v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
             v == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
             v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
             v == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)
        snprintf(d, n, "tls: unknown CA: %s", X509_verify_cert_error_string(v));
    else if (v != X509_V_OK)
        snprintf(d, n, "tls: certificate verify failed: %s", X509_verify_cert_error_string(v));
    else if (why) snprintf(d, n, "tls: %s", why);
    else if (e) snprintf(d, n, "tls: %s", ERR_reason_error_string(e));
    else if (ssl_err == SSL_ERROR_SYSCALL && errno)
        snprintf(d, n, "tls: handshake: %s", strerror(errno));
    else snprintf(d, n, "tls: the peer closed the connection during the handshake");
    ERR_clear_error();
}

SSL *tls_client_new(SSL_CTX *ctx, const char *host, char *detail, size_t dlen) {
    const char *name = tls_verify_name(host);
    SSL *ssl = SSL_new(ctx);
    if (!ssl) {
        snprintf(detail, dlen, "tls: %s", ssl_reason());
        return NULL;
    }
    if (is_ip(name)) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name);
    else {
        SSL_set_tlsext_host_name(ssl, name);
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(ssl, name);
    }
    return ssl;
}

int tls_handshake(SSL *ssl, int fd, const char *host, double deadline_ms, char *detail,
                  size_t dlen) {
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_do_handshake(ssl);
        if (r == 1) return 0;
        int err = SSL_get_error(ssl, r);
        short ev = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (!ev) {
            tls_describe(ssl, err, tls_verify_name(host), detail, dlen);
            return -1;
        }
        int left = (int)(deadline_ms - mono_ms()), k = 0;
        struct pollfd p = {.fd = fd, .events = ev};
        while (left > 0 && (k = poll(&p, 1, left)) < 0 && errno == EINTR)
            left = (int)(deadline_ms - mono_ms());
        if (left <= 0 || k == 0) {
            snprintf(detail, dlen, "tls: handshake: timeout");
            return 1;
        }
        if (k < 0) {
            snprintf(detail, dlen, "tls: handshake: poll: %s", strerror(errno));
            return -1;
        }
    }
}
