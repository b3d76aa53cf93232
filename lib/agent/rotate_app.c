/* rotate_app.c: the agent module that brings renewed certificates to the
 * router's HAProxy and to Webdis (`router --run`, `webdis --run`;
 * docs/tls.md "The router and Webdis").
 *
 * As rotate.c does for servers, every ROTATE_MS it reads the mounted files
 * and compares their content with what it applied last; a change is first
 * checked as at boot (the router's certificate must name the router's
 * Service; Webdis's is a client's), and a bad one is refused, logged once,
 * and the running program keeps what it has. Then:
 *  - a renewed certificate (either pair) reaches HAProxy through its
 *    runtime API (router_tls_apply): no reload, no connection dropped; a
 *    fresh handshake with the router on the loopback, verifying the
 *    router's name, must show the new certificate;
 *  - a new CA bundle makes the init restart HAProxy on the rewritten files
 *    (engine/router.h says why not at run time): its connections close once;
 *  - Webdis cannot reload its TLS: the init restarts it (it holds no data;
 *    its HTTP clients see their connections closed once).
 * Errors are logged, never fatal to the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "base/sha256.h"
#include "engine/plan.h"
#include "engine/router.h"
#include "engine/tlsboot.h"
#include "net/certs.h"
#include "net/session.h"
#include "net/tls.h"
#include "rules/rotation.h"

#define ROTATE_MS 1000

/* What was applied, per part: the server pair, the client pair, the CA
 * bundle (HAProxy takes the pairs at run time, not the bundle). */
enum { PART_CERT, PART_CLIENT, PART_CA, N_PARTS };

struct rotate_app {
    struct router_tls t;
    unsigned char applied[N_PARTS][32], failed[32];
    int have_failed;
};

/* Each part's content (fs_files_hash); -1 while a file cannot be read. */
static int parts_hash(const struct tls_paths *p, unsigned char out[N_PARTS][32]) {
    const char *const files[N_PARTS][2] = {{p->cert, p->key}, {p->ccert, p->ckey}, {p->ca, NULL}};
    for (int i = 0; i < N_PARTS; i++)
        if (fs_files_hash(files[i], files[i][1] ? 2 : 1, out[i])) return -1;
    return 0;
}

static int app_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    ri_err e = {0};
    if (!cfg->app || cfg->s->tls == TLS_OFF) return 1;
    struct rotate_app *r = calloc(1, sizeof *r);
    if (!r) return 1;
    int rc = cfg->app == APP_ROUTER ? router_tls_paths(cfg->s, &r->t, &e)
                                    : tlsboot_paths(cfg->s, &r->t.p, &e);
    if (rc || parts_hash(&r->t.p, r->applied)) {
        log_error("tls: cannot watch the certificate files; a renewed certificate needs a restart",
                  "error", e.msg[0] ? e.msg : "a file cannot be read", NULL);
        free(r);
        return 1;
    }
    *state = r;
    return 0;
}

static void failed(struct rotate_app *r, const unsigned char h[32], const char *why) {
    if (r->have_failed && !memcmp(r->failed, h, 32)) return;
    memcpy(r->failed, h, 32);
    r->have_failed = 1;
    log_error("tls: the renewed certificate is refused; the running one stays", "reason", why,
              NULL);
}

/* HAProxy takes the renewed pairs; a handshake with it confirms. 0 when done. */
static int router_apply(const struct settings *s, struct rotate_app *r,
                        const struct rotation_app_change *ch, double t0) {
    unsigned char want[32], got[32];
    char why[200] = "";
    ri_err e = {0};
    if (router_tls_apply(s, &r->t, ch->cert, ch->client, &e) || tls_reload(&e)) {
        log_error("tls: cannot hand HAProxy the renewed certificate; trying again", "reason", e.msg,
                  NULL);
        return -1;
    }
    if (certs_fingerprint(r->t.p.cert, want) ||
        session_peer_fingerprint(LOCAL_HOST, s->redis_port, s->probe_timeout_ms, got, why,
                                 sizeof why) ||
        memcmp(want, got, 32)) {
        log_error("tls: HAProxy does not present the renewed certificate yet; trying again",
                  "reason", why[0] ? why : "the handshake shows another certificate", NULL);
        return -1;
    }
    char ms[24], hex[17];
    for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", want[i]);
    log_info("tls: the router presents the renewed certificate", "file", r->t.p.cert, "sha256", hex,
             "took_ms", log_int(ms, (long long)(mono_ms() - t0)), NULL);
    return 0;
}

/* The program restarts on the renewed files: Webdis always (it cannot
 * reload), HAProxy for a new CA bundle (router.h says why). */
static int restart_for(const struct agent_ctx *ctx, struct rotate_app *r) {
    ri_err e = {0};
    if (ctx->cfg->app == APP_ROUTER) {
        if (router_tls_apply(ctx->cfg->s, &r->t, 0, 0, &e)) {
            log_error("tls: cannot write the renewed certificate files; trying again", "reason",
                      e.msg, NULL);
            return -1;
        }
        log_info("tls: restarting HAProxy to load the renewed CA bundle (HAProxy 2.6 cannot take "
                 "one at run time safely); its connections are closed once",
                 NULL);
    } else
        log_info("tls: restarting Webdis to load its renewed certificate (it cannot reload it)",
                 NULL);
    ctx->restart(ctx->owner);
    return 0;
}

static int app_tick(const struct agent_ctx *ctx, void *state) {
    const struct agent_config *cfg = ctx->cfg;
    struct rotate_app *r = state;
    unsigned char h[N_PARTS][32];
    ri_err e = {0};
    if (parts_hash(&r->t.p, h) || !memcmp(h, r->applied, sizeof h)) return ROTATE_MS;
    unsigned char all[32];
    sha256(h, sizeof h, all);
    if (r->have_failed && !memcmp(all, r->failed, 32)) return ROTATE_MS;
    double t0 = mono_ms();
    enum tls_role role = cfg->app == APP_ROUTER ? TLS_ROUTER : TLS_CLIENT;
    if (tlsboot_check_role(cfg->s, role, &r->t.p, &e)) {
        failed(r, all, e.msg);
        return ROTATE_MS;
    }
    struct rotation_app_change ch = {cfg->app == APP_ROUTER,
                                     memcmp(h[PART_CERT], r->applied[PART_CERT], 32) != 0,
                                     memcmp(h[PART_CLIENT], r->applied[PART_CLIENT], 32) != 0,
                                     memcmp(h[PART_CA], r->applied[PART_CA], 32) != 0};
    enum rotation_app_step step = rotation_app_step(&ch);
    if (step == ROTATE_PUSH && router_apply(cfg->s, r, &ch, t0)) return ROTATE_MS;
    if (step == ROTATE_RESTART && restart_for(ctx, r)) return ROTATE_MS;
    memcpy(r->applied, h, sizeof h);
    r->have_failed = 0;
    return ROTATE_MS;
}

static void app_stop(void *state) { free(state); }

const struct agent_module agent_rotate_app = {
    .name = "rotate_app",
    .start = app_start,
    .tick = app_tick,
    .stop = app_stop,
};
