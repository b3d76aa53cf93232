/* router.c: the master router's files and its health check (see
 * router.h and docs/connecting.md). */
#include "engine/router.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cfgquote.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "base/template.h"
#include "config/credstate.h"
#include "engine/plan.h"
#include "engine/render.h"
#include "net/round.h"
#include "net/tls.h"
#include "rules/router.h"
#include "rules/tally.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

static int oom(ri_err *e) {
    return ri_fail(e, EX_OSERR, "out of memory while rendering the router");
}

/* ---------------------------------------------------------------------------
 * Rendering
 * ------------------------------------------------------------------------ */

/* The redis-init binary HAProxy's check runs: [paths] redis-init, else this one. */
static int check_binary(const struct settings *s, char *out, size_t outlen, ri_err *e) {
    if (s->redis_init_bin[0]) return fs_absolute(s->redis_init_bin, out, outlen, e);
    ssize_t n = readlink("/proc/self/exe", out, outlen - 1);
    if (n <= 0 || (size_t)n >= outlen - 1)
        return ri_fail(e, EX_CONFIG,
                       "cannot tell where this redis-init binary is: set [paths] redis-init");
    out[n] = '\0';
    return 0;
}

/* Written inside double quotes of an INI value: '"', ';' or a newline would
 * not read back. */
static int ini_value(struct tmpl_ctx *c, const char *name, const char *key, const char *v,
                     ri_err *e) {
    if (strpbrk(v, "\";\r\n"))
        return ri_fail(e, EX_CONFIG,
                       "%s \"%s\": the router check cannot use a value with '\"', ';' or a "
                       "newline",
                       key, v);
    return tmpl_set(c, name, v) ? oom(e) : 0;
}

/* router-check.ini's [tls]: the check dials the servers and the sentinels
 * as the router, with its client pair. */
static int ini_tls(struct tmpl_ctx *c, const struct settings *s, ri_err *e) {
    static const char *const modes[] = {"off", "on", "dual"};
    if (tmpl_set_list(c, "tls")) return oom(e);
    if (s->tls == TLS_OFF) return 0;
    struct tmpl_ctx *it = tmpl_add_item(c, "tls");
    char dir[PATH_MAX];
    int rc = !it ? oom(e) : fs_absolute(s->tls_dir, dir, sizeof dir, e);
    if (!rc) rc = ini_value(it, "mode", "[tls] mode", modes[s->tls], e);
    if (!rc) rc = ini_value(it, "dir", "[tls] dir", dir, e);
    if (!rc) rc = ini_value(it, "cert", "[tls] cert", s->tls_cert, e);
    if (!rc) rc = ini_value(it, "key", "[tls] key", s->tls_key, e);
    if (!rc) rc = ini_value(it, "ca", "[tls] ca", s->tls_ca, e);
    if (!rc) rc = ini_value(it, "client_cert", "[tls] client-cert", s->tls_client_cert, e);
    if (!rc) rc = ini_value(it, "client_key", "[tls] client-key", s->tls_client_key, e);
    if (!rc) rc = ini_value(it, "protocols", "[tls] protocols", s->tls_protocols, e);
    if (!rc) rc = ini_value(it, "ciphers", "[tls] ciphers", s->tls_ciphers, e);
    if (!rc) rc = ini_value(it, "ciphersuites", "[tls] ciphersuites", s->tls_ciphersuites, e);
    return rc;
}

static int ini_context(struct tmpl_ctx *c, const struct settings *s, ri_err *e) {
    char secrets[PATH_MAX], conf[PATH_MAX];
    int rc = fs_absolute(s->secrets_path, secrets, sizeof secrets, e);
    if (!rc) rc = fs_absolute(s->conf_dir, conf, sizeof conf, e);
    if (!rc) rc = ini_tls(c, s, e);
    if (!rc) rc = ini_value(c, "secrets", "[paths] secrets", secrets, e);
    if (!rc) rc = ini_value(c, "conf_dir", "[paths] conf-dir", conf, e);
    if (rc) return rc;
    if (tmpl_set(c, "namespace", s->namespace_) || tmpl_set(c, "domain", s->domain) ||
        tmpl_set(c, "redis_service", s->redis_service) ||
        tmpl_set(c, "sentinel_service", s->sentinel_service) ||
        tmpl_setf(c, "redis_replicas", "%d", s->redis_replicas) ||
        tmpl_setf(c, "sentinel_replicas", "%d", s->sentinel_replicas) ||
        tmpl_setf(c, "redis_port", "%d", s->redis_port) ||
        tmpl_setf(c, "sentinel_port", "%d", s->sentinel_port) ||
        tmpl_set(c, "master_name", s->master_name) ||
        tmpl_set(c, "host_pattern", s->host_pattern) ||
        tmpl_setf(c, "probe_timeout", "%d", s->probe_timeout_ms) ||
        tmpl_set(c, "creds_live", s->creds_live ? "on" : "off"))
        return oom(e);
    return 0;
}

static int cfg_context(struct tmpl_ctx *c, const struct settings *s, const char *check_path,
                       const struct router_tls *t, ri_err *e) {
    int rc = router_tls_context(c, s, t, e);
    if (rc) return rc;
    if (tmpl_set_list(c, "servers") || tmpl_setf(c, "port", "%d", s->redis_port) ||
        tmpl_set(c, "master_name", s->master_name) ||
        tmpl_setf(c, "sentinels", "%d", s->sentinel_replicas) ||
        tmpl_setf(c, "majority", "%d", sentinel_majority(s->sentinel_replicas)) ||
        tmpl_setf(c, "check_timeout", "%d", s->probe_timeout_ms + 500) ||
        /* first checks spread over inter (1 s), each up to the check timeout,
         * plus one for date's whole seconds */
        tmpl_setf(c, "warmup", "%d", 2 + (s->probe_timeout_ms + 500 + 999) / 1000))
        return oom(e);
    if ((rc = render_set_quoted(c, "check_command", haproxy_quote, check_path, e))) return rc;
    /* HAProxy's own Prometheus exporter on [metrics] port (docs/observability.md). */
    if (tmpl_set_list(c, "metrics")) return oom(e);
    if (s->metrics_port) {
        struct tmpl_ctx *m = tmpl_add_item(c, "metrics");
        if (!m || tmpl_setf(m, "metrics_port", "%d", s->metrics_port)) return oom(e);
    }
    for (int i = 0; i < s->redis_replicas; i++) {
        char host[SET_HOST_MAX];
        struct tmpl_ctx *it = tmpl_add_item(c, "servers");
        if (!it) return oom(e);
        if ((rc = settings_host(s, s->redis_service, i, host, sizeof host, e))) return rc;
        if (tmpl_setf(it, "name", "%s-%d", s->redis_service, i) || tmpl_set(it, "host", host) ||
            tmpl_setf(it, "port", "%d", s->redis_port))
            return oom(e);
        if ((rc = router_tls_server(it, s, t, host, e))) return rc;
    }
    return 0;
}

int router_render(const struct settings *s, ri_err *e) {
    char dir[PATH_MAX], check_path[PATH_MAX], ini_path[PATH_MAX], bin[PATH_MAX];
    struct tmpl_ctx *cfg = tmpl_ctx_new(), *ini = tmpl_ctx_new(), *sh = tmpl_ctx_new();
    struct buf out[5];
    struct router_tls t = {0};
    for (int i = 0; i < 5; i++) buf_init(&out[i]);
    int rc = (!cfg || !ini || !sh) ? oom(e) : 0;
    if (!rc && s->tls != TLS_OFF) rc = router_tls_paths(s, &t, e);
    if (!rc && s->tls != TLS_OFF) rc = router_tls_pems(&t, &out[3], &out[4], e);
    if (!rc) rc = fs_absolute(s->conf_dir, dir, sizeof dir, e);
    if (!rc) rc = fs_join(check_path, sizeof check_path, dir, "router-check", e);
    if (!rc) rc = fs_join(ini_path, sizeof ini_path, dir, "router-check.ini", e);
    if (!rc) rc = check_binary(s, bin, sizeof bin, e);
    if (!rc && (tmpl_set(cfg, "version", RI_VERSION) || tmpl_set(ini, "version", RI_VERSION) ||
                tmpl_set(sh, "version", RI_VERSION)))
        rc = oom(e);
    if (!rc) rc = cfg_context(cfg, s, check_path, &t, e);
    if (!rc) rc = ini_context(ini, s, e);
    if (!rc) rc = render_set_quoted(sh, "bin", sh_quote, bin, e);
    if (!rc) rc = render_set_quoted(sh, "ini", sh_quote, ini_path, e);
    if (!rc) rc = render_template(s, "haproxy.cfg", cfg, &out[0], e);
    if (!rc) rc = render_template(s, "router-check.ini", ini, &out[1], e);
    if (!rc) rc = render_template(s, "router-check", sh, &out[2], e);
    if (!rc) {
        struct out_file f[5] = {
            {"haproxy.cfg", out[0].data, out[0].len, 0600},
            {"router-check.ini", out[1].data, out[1].len, 0600},
            {"router-check", out[2].data, out[2].len, 0700},
            {"router.pem", out[3].data, out[3].len, 0600},
            {"router-client.pem", out[4].data, out[4].len, 0600},
        };
        rc = fs_write_files(dir, f, s->tls != TLS_OFF ? 5 : 3, e);
    }
    if (!rc)
        log_info("wrote router configuration", "dir", dir, "servers",
                 log_int((char[24]){0}, s->redis_replicas), NULL);
    for (int i = 0; i < 5; i++) buf_free(&out[i]);
    explicit_bzero(&t, sizeof t);
    tmpl_ctx_free(cfg);
    tmpl_ctx_free(ini);
    tmpl_ctx_free(sh);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The health check
 * ------------------------------------------------------------------------ */

/* HAPROXY_SERVER_NAME is "<redis-service>-<N>" (as rendered): its ordinal. */
static int server_ordinal(const struct settings *s, const char *name, ri_err *e) {
    size_t n = strlen(s->redis_service);
    char *end;
    if (!name || strncmp(name, s->redis_service, n) != 0 || name[n] != '-' || !name[n + 1])
        return ri_fail(e, EX_USAGE,
                       "router-check: HAPROXY_SERVER_NAME \"%s\" is not a %s-N pod "
                       "(run by HAProxy, see haproxy.cfg)",
                       name ? name : "", s->redis_service),
               -1;
    long i = strtol(name + n + 1, &end, 10);
    if (*end || i < 0 || i >= s->redis_replicas)
        return ri_fail(e, EX_USAGE, "router-check: server \"%s\" is not one of the %d redis pods",
                       name, s->redis_replicas),
               -1;
    return (int)i;
}

/* The sentinels as discovery plans them; one redis slot: the server HAProxy names. */
static int plan(const struct settings *s, const char *addr, int port, struct observations *o,
                ri_err *e) {
    int rc = plan_peers(s, 0, o, e);
    if (rc) return rc;
    o->n_redis = 1;
    o->redis_port = port;
    memset(&o->redis[0], 0, sizeof o->redis[0]);
    snprintf(o->redis[0].p.host, sizeof o->redis[0].p.host, "%s", addr);
    o->redis[0].p.port = port;
    o->redis[0].p.outcome = OUT_ERROR;
    return 0;
}

/* 1 when a member refused our login. */
static int refused(const struct observations *o) {
    int any = o->redis[0].p.outcome == OUT_AUTH_FAILED;
    for (int i = 0; i < o->n_sentinels; i++) any |= o->sentinels[i].p.outcome == OUT_AUTH_FAILED;
    return any;
}

/* The members that refused the secrets mounted now, asked again (they
 * alone) with the fallback login the router's agent keeps in the conf
 * dir's state file (agent/consume.c): the login in effect before a
 * rotation, as the kubelet may update this pod's Secret before the members
 * take it. */
static int retry_previous(const struct settings *s, const struct secrets *sec, const char *addr,
                          int port, struct observations *o, ri_err *e) {
    struct creds_state cs;
    ri_err ie = {0};
    if (!s->creds_live || !refused(o)) return 0;
    if (credstate_read(s->conf_dir, &cs, &ie)) {
        log_debug("credentials: the state file is unreadable", "error", ie.msg, NULL);
        return 0;
    }
    char pu[SET_NAME_MAX], pp[256];
    struct probe_config pc;
    struct observations *again = calloc(1, sizeof *again);
    struct secrets *old = cs.old_login ? credstate_overlay(sec, cs.old_login, e) : NULL;
    int rc = cs.old_login && (!again || !old) ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    if (!rc && old) rc = plan(s, addr, port, again, e);
    if (!rc && old) { /* the others answered: not asked again */
        if (o->redis[0].p.outcome != OUT_AUTH_FAILED) again->redis[0].p.outcome = OUT_SELF;
        for (int i = 0; i < o->n_sentinels; i++)
            if (o->sentinels[i].p.outcome != OUT_AUTH_FAILED)
                again->sentinels[i].p.outcome = OUT_SELF;
    }
    if (!rc && old) rc = plan_probe_config(s, old, &pc, pu, sizeof pu, pp, sizeof pp, e);
    if (!rc && old) rc = probe_round(&pc, again, e);
    if (!rc && old) {
        if (o->redis[0].p.outcome == OUT_AUTH_FAILED) o->redis[0] = again->redis[0];
        for (int i = 0; i < o->n_sentinels; i++)
            if (o->sentinels[i].p.outcome == OUT_AUTH_FAILED) o->sentinels[i] = again->sentinels[i];
        log_debug("credentials: asked again with the previous passwords", "generation", cs.gen,
                  NULL);
    }
    explicit_bzero(pp, sizeof pp);
    secrets_free(old);
    free(again);
    credstate_free(&cs);
    return rc;
}

int router_check(const struct settings *s, const struct secrets *sec, const char *name,
                 const char *addr, const char *port_s, ri_err *e) {
    int ord = server_ordinal(s, name, e), port = port_s ? atoi(port_s) : 0;
    if (ord < 0) return e->code;
    if (!addr || !*addr || port < 1 || port > 65535)
        return ri_fail(
            e, EX_USAGE,
            "router-check: HAPROXY_SERVER_ADDR / HAPROXY_SERVER_PORT not set (run by HAProxy)");
    char own[SET_HOST_MAX], pu[SET_NAME_MAX], pp[256];
    struct probe_config pc;
    struct observations *o = calloc(1, sizeof *o);
    if (!o) return ri_fail(e, EX_OSERR, "out of memory");
    int rc = settings_host(s, s->redis_service, ord, own, sizeof own, e);
    if (!rc)
        tls_verify_as(addr, own); /* HAProxy dials the address, the certificate names the pod */
    if (!rc) rc = plan(s, addr, port, o, e);
    if (!rc) rc = plan_probe_config(s, sec, &pc, pu, sizeof pu, pp, sizeof pp, e);
    if (!rc) rc = probe_round(&pc, o, e);
    if (!rc) rc = retry_previous(s, sec, addr, port, o, e);
    if (!rc) {
        struct router_verdict v;
        router_verdict(o, own, port, &v);
        log_debug(v.up ? "route" : "do not route", "server", name, "addr", addr, "why", v.why,
                  NULL);
        if (!v.up) rc = ri_fail(e, EX_UNAVAILABLE, "%s: %s", name, v.why);
    }
    explicit_bzero(pp, sizeof pp);
    free(o);
    return rc;
}
