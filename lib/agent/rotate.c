/* rotate.c: the agent module that applies a renewed certificate to the
 * running server without a restart (docs/tls.md "Rotation").
 *
 * Kubernetes updates a mounted Secret by swapping its ..data link, some
 * time after the Secret changed; so every ROTATE_MS the module reads the
 * files and compares their content with what it applied last. On a change:
 *  1. the new certificate is checked for this pod as at boot (certs.h);
 *     a bad one is refused, logged once, and the server keeps its current
 *     certificate;
 *  2. one CONFIG SET of the TLS files (the same paths: Redis re-reads them)
 *     as the reload user, whose ACL allows exactly CONFIG SET;
 *  3. our own TLS contexts are rebuilt from the new files (tls_reload);
 *  4. a fresh handshake with the server must show the new certificate:
 *     only then is the rotation done. A server that did not reload (Redis
 *     7.0.0, redis#10713) is said so, and tried again next time.
 * A sentinel cannot reload TLS (redis#12028): after the same check, it
 * steps down, ordinal by ordinal, and only while the other sentinels keep
 * the quorum and a majority without it and it runs no failover
 * (rules/rotation.h); the init decides again and starts it on a freshly
 * rendered sentinel.conf (its myid is derived from its name, its epochs
 * come back from its peers), and the next start confirms by a handshake.
 * Not on the file Sentinel rewrote: Redis writes sentinel-pass and
 * auth-pass unquoted there, so a password with a quote or a newline makes
 * it unreadable (and Redis then prints that line, password included).
 * Errors are logged, never fatal to the server. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "engine/plan.h"
#include "engine/tlsboot.h"
#include "net/admin.h"
#include "net/certs.h"
#include "net/probe.h"
#include "net/session.h"
#include "net/tls.h"
#include "rules/rotation.h"

#define ROTATE_MS 1000 /* how often the files are read */

struct rotate {
    struct tls_paths p;
    char own[SET_HOST_MAX];
    char pass[65];                        /* servers: the reload user's */
    char puser[SET_NAME_MAX], ppass[256]; /* sentinels: the probe user's */
    unsigned char applied[32];            /* the files' content the server has */
    unsigned char failed[32];             /* the last content that failed, logged once */
    int have_failed;
    double pending_since;      /* sentinels: a renewal waits for its turn (0: none) */
    unsigned char pending[32]; /* ... the content of that renewal, checked */
    char waiting[200];         /* the last reason to wait, logged when it changes */
};

/* A sentinel restarted for a renewal confirms it at its next start (the
 * module starts again with the server; one agent per process). */
static int restarted_for_renewal;

/* The content of every file the server uses (fs_files_hash). */
static int files_hash(const struct tls_paths *p, unsigned char out[32]) {
    const char *const files[] = {p->cert, p->key, p->ca, p->ccert, p->ckey};
    return fs_files_hash(files, (int)(sizeof files / sizeof files[0]), out);
}

static int rotate_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    ri_err e = {0};
    if (cfg->s->tls == TLS_OFF || cfg->app) return 1;
    struct rotate *r = calloc(1, sizeof *r);
    if (!r) return 1;
    int rc = tlsboot_paths(cfg->s, &r->p, &e) ||
             settings_own_host(cfg->s, cfg->is_sentinel, r->own, sizeof r->own, &e);
    if (!rc && cfg->is_sentinel)
        rc = secrets_probe_credentials(cfg->sec, r->puser, sizeof r->puser, r->ppass,
                                       sizeof r->ppass, &e);
    else if (!rc) rc = secrets_reload_password(cfg->sec, r->pass, &e);
    if (rc || files_hash(&r->p, r->applied)) {
        log_error("tls: cannot watch the certificate files; a renewed certificate needs a restart",
                  "error", e.msg[0] ? e.msg : "a file cannot be read", NULL);
        explicit_bzero(r, sizeof *r);
        free(r);
        return 1;
    }
    *state = r;
    return 0;
}

static void failed(struct rotate *r, const unsigned char h[32], const char *msg, const char *why) {
    if (r->have_failed && !memcmp(r->failed, h, 32)) return;
    memcpy(r->failed, h, 32);
    r->have_failed = 1;
    log_error(msg, "reason", why, NULL);
}

/* CONFIG SET of every TLS file, as the reload user. */
static int config_set(const struct agent_config *cfg, struct rotate *r, ri_err *e) {
    const char *argv[12] = {"CONFIG",       "SET",    "tls-cert-file",    r->p.cert,
                            "tls-key-file", r->p.key, "tls-ca-cert-file", r->p.ca};
    int argc = 8;
    if (cfg->s->tls_client_cert[0]) {
        argv[argc++] = "tls-client-cert-file";
        argv[argc++] = r->p.ccert;
        argv[argc++] = "tls-client-key-file";
        argv[argc++] = r->p.ckey;
    }
    struct admin_conn c = {LOCAL_HOST, cfg->s->redis_port, SECRET_RELOAD_USER, r->pass,
                           cfg->s->probe_timeout_ms};
    return admin_call(&c, argc, argv, "CONFIG SET tls-cert-file", NULL, e);
}

/* The sentinel presents the certificate of its files (after a restart for
 * a renewal): asked each tick until it answers, for up to CONFIRM_TRIES. */
#define CONFIRM_TRIES 15
static void sentinel_confirm(const struct agent_config *cfg, struct rotate *r) {
    unsigned char want[32], got[32];
    char why[200];
    if (certs_fingerprint(r->p.cert, want) ||
        session_peer_fingerprint(LOCAL_HOST, cfg->s->sentinel_port, cfg->s->probe_timeout_ms, got,
                                 why, sizeof why)) {
        if (++restarted_for_renewal <= CONFIRM_TRIES) return;
        log_warn("tls: cannot confirm the sentinel's renewed certificate", "reason", why, NULL);
    } else if (memcmp(want, got, 32))
        log_error("tls: the sentinel restarted but presents another certificate", NULL);
    else log_info("tls: the sentinel presents the renewed certificate", "file", r->p.cert, NULL);
    restarted_for_renewal = 0;
}

/* A checked renewal on a sentinel: wait for this ordinal's turn and for
 * the others to keep the quorum, then restart in place. */
static int sentinel_renew(const struct agent_ctx *ctx, struct rotate *r,
                          const unsigned char h[32]) {
    const struct settings *s = ctx->cfg->s;
    ri_err e = {0};
    double now = mono_ms();
    int stagger = s->down_after_ms > 3000 ? s->down_after_ms : 3000;
    if (!r->pending_since || memcmp(h, r->pending, 32)) {
        r->pending_since = now;
        memcpy(r->pending, h, 32);
        if (tls_reload(&e))
            log_warn("tls: cannot reload our own TLS contexts", "error", e.msg, NULL);
        char ms[24];
        log_info("tls: a renewed certificate; the sentinel restarts to load it when its turn comes "
                 "and the others keep the quorum",
                 "turn_after_ms", log_int(ms, (long long)s->ordinal * stagger), NULL);
    }
    if (now < r->pending_since + (double)s->ordinal * stagger) return ROTATE_MS;
    struct sentinel_master_obs m;
    memset(&m, 0, sizeof m);
    snprintf(m.p.host, sizeof m.p.host, "%s", LOCAL_HOST);
    m.p.port = s->sentinel_port;
    probe_sentinel_master(&m, r->puser, r->ppass, s->master_name, s->probe_timeout_ms);
    char why[200];
    if (!rotation_sentinel_may_restart(&m, s->sentinel_replicas, why, sizeof why)) {
        if (strcmp(why, r->waiting))
            log_info("tls: the sentinel waits to restart for its renewed certificate", "because",
                     why, NULL);
        snprintf(r->waiting, sizeof r->waiting, "%s", why);
        return ROTATE_MS;
    }
    log_info("tls: restarting the sentinel to load its renewed certificate", "because", why, NULL);
    memcpy(r->applied, h, 32);
    r->pending_since = 0;
    restarted_for_renewal = 1;
    ctx->step_down(ctx->owner);
    return ROTATE_MS;
}

static int rotate_tick(const struct agent_ctx *ctx, void *state) {
    const struct agent_config *cfg = ctx->cfg;
    struct rotate *r = state;
    if (cfg->is_sentinel && restarted_for_renewal) sentinel_confirm(cfg, r);
    unsigned char h[32], want[32], got[32];
    char why[200];
    ri_err e = {0};
    if (files_hash(&r->p, h) || !memcmp(h, r->applied, 32)) return ROTATE_MS;
    if (r->have_failed && !memcmp(h, r->failed, 32)) return ROTATE_MS;
    if (cfg->is_sentinel && r->pending_since && !memcmp(h, r->pending, 32))
        return sentinel_renew(ctx, r, h); /* checked already: waiting for its turn */
    double t0 = mono_ms();
    if (tlsboot_check(cfg->s, &r->p, r->own, &e)) {
        failed(r, h, "tls: the renewed certificate is refused; the server keeps its current one",
               e.msg);
        r->pending_since = 0;
        return ROTATE_MS;
    }
    if (cfg->is_sentinel) return sentinel_renew(ctx, r, h);
    if (config_set(cfg, r, &e) || tls_reload(&e)) {
        /* Transient: tried again, and said again, next tick. */
        log_error("tls: cannot apply the renewed certificate; trying again", "reason", e.msg, NULL);
        return ROTATE_MS;
    }
    if (certs_fingerprint(r->p.cert, want) ||
        session_peer_fingerprint(LOCAL_HOST, cfg->s->redis_port, cfg->s->probe_timeout_ms, got, why,
                                 sizeof why)) {
        log_error("tls: cannot confirm the renewed certificate by a handshake; trying again",
                  "reason", why, NULL);
        return ROTATE_MS;
    }
    if (memcmp(want, got, 32)) {
        failed(r, h,
               "tls: the server still presents its old certificate after CONFIG SET (Redis 7.0.0 "
               "cannot reload it, redis#10713): restart the pod",
               "handshake shows the old certificate");
        return ROTATE_MS;
    }
    memcpy(r->applied, h, 32);
    r->have_failed = 0;
    char ms[24], hex[17];
    for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", want[i]);
    log_info("tls: the server presents the renewed certificate", "file", r->p.cert, "sha256", hex,
             "took_ms", log_int(ms, (long long)(mono_ms() - t0)), NULL);
    return ROTATE_MS;
}

static void rotate_stop(void *state) {
    struct rotate *r = state;
    if (!r) return;
    explicit_bzero(r, sizeof *r);
    free(r);
}

const struct agent_module agent_rotate = {
    .name = "rotate",
    .start = rotate_start,
    .tick = rotate_tick,
    .stop = rotate_stop,
};
