/* tls.h: TLS on every connection of ours (docs/tls.md).
 *
 * One client context per process, built once from [tls] (tls_setup), before
 * the command runs or, for a command that only observes, on a thread of its
 * own while the first round resolves and connects (background: the first
 * caller of tls_client_ctx() waits for it), and replaced whole when the
 * mounted files change (tls_reload: a session holds its own reference, so a
 * reload never pulls a context from under a handshake). The server context
 * is the beacon's: it answers on the server port during init, so it serves
 * TLS there too.
 *
 * Host names: servers verify the chain only; we verify the name as well.
 * A session verifies the certificate against the name it dialled, except
 * for the loopback address check and prestop dial (127.0.0.1, ::1,
 * localhost): there the pod's own name (tls_setup's own_name) is what the
 * certificate must carry, so certificates need no localhost or IP SANs.
 *
 * Failures are one human line naming what failed: "hostname mismatch",
 * "unknown CA", "expired", "not yet valid", "peer speaks plain text",
 * "peer requires a client certificate". They are never read as a dead or
 * empty peer (OUT_ERROR, not OUT_REFUSED).
 */
#ifndef RI_TLS_H
#define RI_TLS_H

#include <stddef.h>

#include "base/err.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

struct tls_files {
    const char *cert, *key;               /* the server's certificate: the beacon presents it */
    const char *client_cert, *client_key; /* presented when a peer asks us for one */
    const char *ca;                       /* the CA bundle peers are verified against */
    const char *protocols;                /* "TLSv1.2 TLSv1.3" (Redis syntax); "" = OpenSSL's */
    const char *ciphers;                  /* TLS 1.2 cipher list; "" = OpenSSL's */
    const char *ciphersuites;             /* TLS 1.3 suites; "" = OpenSSL's */
    const char *own_name;                 /* verified instead of a loopback address */
    int require_client_certs; /* the beacon: auth-clients yes (2), optional (1), no (0) */
    int serve;                /* also the server context (the beacon); else client only */
    int background;           /* build on a thread: tls_setup returns at once (tls_ready) */
};

/* Build the contexts (the server one only when f->serve: a command that
 * only dials needs no server context, and building it costs start-up
 * time); 0, or EX_CONFIG / EX_NOINPUT naming the file and the reason.
 * OpenSSL's system configuration file is not read: what TLS we speak is
 * [tls]'s, at security level 2, the same in the glibc and static builds.
 * A build that fails is tried once more after 50 ms: Kubernetes may have
 * swapped ..data between reading the certificate and its key. With
 * f->background the build runs on its own thread and tls_setup returns 0
 * at once; its result is tls_ready()'s. Not thread-safe: call before
 * starting threads. */
int tls_setup(const struct tls_files *f, ri_err *e);

/* OpenSSL's one-time set-up, our way: no configuration file, no atexit
 * cleanup. Every first use of OpenSSL in a process goes through it (the
 * build calls it on its own thread; certs.c before parsing). */
void tls_library_init(void);

/* Wait for a background build: 0, or its error (e filled). 0 at once when
 * the contexts were built in the foreground, or TLS is off. */
int tls_ready(ri_err *e);

/* Rebuild both contexts from the same paths (rotation); on failure the old
 * ones stay. Thread-safe. */
int tls_reload(ri_err *e);

/* 1 when tls_setup succeeded: every connection of ours speaks TLS. */
int tls_on(void);

/* A new reference to the current client or server context (NULL when TLS is
 * off, or its build failed), once a background build is over; release it
 * with tls_ctx_free(). */
SSL_CTX *tls_client_ctx(void);
SSL_CTX *tls_server_ctx(void);
void tls_ctx_free(SSL_CTX *ctx);

/* The name a certificate must carry when dialling host. */
const char *tls_verify_name(const char *host);

/* From now on, dialling addr verifies name (the router's check: HAProxy
 * gives it the address it routes to, the certificate names the pod).
 * Not thread-safe: call before connecting. */
void tls_verify_as(const char *addr, const char *name);

/* A client connection to host, verifying the name tls_verify_name(host)
 * (SNI too); not yet bound to a socket. NULL with detail set. */
SSL *tls_client_new(SSL_CTX *ctx, const char *host, char *detail, size_t dlen);

/* Drive the handshake of ssl on its non-blocking fd to the end, bounded by
 * deadline_ms on the monotonic clock: 0 done, 1 timeout, -1 failed (detail
 * says why, tls_describe()). */
int tls_handshake(SSL *ssl, int fd, const char *host, double deadline_ms, char *detail,
                  size_t dlen);

/* The newest OpenSSL error of this thread, in words ("no such file", "key
 * values mismatch"), or fallback when there is none; clears the queue. */
const char *tls_error_reason(const char *fallback);

/* One failed handshake or read, in words (the SSL error queue and the
 * verify result); clears the error queue. */
void tls_describe(SSL *ssl, int ssl_err, const char *host, char *detail, size_t dlen);

#endif
