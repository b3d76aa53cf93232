/* http.h: the smallest HTTP/1.x server a Prometheus scrape needs, for the
 * agent's metrics: a listening socket, and the requests waiting on it
 * served one after the other, each within a time bound (the agent is one
 * thread; a client that dawdles is dropped, never waited for).
 *
 * GET or HEAD of the one path answer 200 with the body the callback
 * builds; another path is 404, another method 405, a request that does
 * not parse 400, a callback that fails 500. Every response closes its
 * connection. Nothing here reads a body or keeps state between requests. */
#ifndef RI_HTTP_H
#define RI_HTTP_H

#include "base/buf.h"
#include "base/err.h"

/* A non-blocking listening socket on address:port; address "" listens on
 * every address (IPv6 and IPv4 where the kernel has IPv6, else IPv4).
 * The fd, or -1 with e set (EX_UNAVAILABLE when the port is taken). */
int http_listen(const char *address, int port, ri_err *e);

/* Builds the 200 response's body; 0, or -1 for a 500. */
typedef int (*http_body_fn)(void *ctx, struct buf *body);

struct http_route {
    const char *path;         /* "/metrics" */
    const char *content_type; /* "text/plain; version=0.0.4; charset=utf-8" */
    http_body_fn body;
    void *ctx;
};

/* Serve what is waiting on lfd (at most 8 connections), all within
 * budget_ms: a connection still unanswered then is closed. Returns how
 * many were answered. */
int http_serve(int lfd, const struct http_route *route, int budget_ms);

#endif
