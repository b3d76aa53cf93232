/* haproxy.h: HAProxy's runtime API (its "stats socket" in admin level, a
 * unix socket of the router's conf dir), through which a renewed
 * certificate reaches a running HAProxy without a reload: no connection is
 * dropped and no health state is lost (docs/tls.md "The router").
 *
 * haproxy_cmd() sends one command (with its payload, for "set ssl ...
 * <<", which HAProxy ends at the first empty line) on a fresh connection
 * and reads the whole reply, all bounded by timeout_ms. It returns 0 when
 * the reply contains `expect` (case-insensitive), else EX_UNAVAILABLE
 * with the reply's first line; the payload (a private key) is never
 * logged or kept. */
#ifndef RI_HAPROXY_H
#define RI_HAPROXY_H

#include <stddef.h>

#include "base/err.h"

int haproxy_cmd(const char *sock, const char *cmd, const char *payload, size_t payload_len,
                const char *expect, int timeout_ms, ri_err *e);

#endif
