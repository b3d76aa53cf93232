/* role.c: the role of this pod and its files (see role.h). */
#include "engine/role.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/credstate.h"
#include "engine/boot.h"
#include "engine/exporter.h"
#include "engine/render.h"

int role_split_hostport(const char *arg, int default_port, char *host, size_t hostlen, int *port) {
    const char *end, *colon = NULL;
    if (!arg || !*arg) return EX_USAGE;
    if (arg[0] == '[') {
        end = strchr(arg, ']');
        if (!end || (end[1] != '\0' && end[1] != ':')) return EX_USAGE;
        if (end[1] == ':') colon = end + 1;
        arg++;
    } else {
        colon = strrchr(arg, ':');
        if (colon && strchr(arg, ':') != colon) colon = NULL; /* bare IPv6: no port */
        end = colon ? colon : arg + strlen(arg);
    }
    size_t hl = (size_t)(end - arg);
    if (hl == 0 || hl >= hostlen) return EX_USAGE;
    memcpy(host, arg, hl);
    host[hl] = '\0';
    *port = default_port;
    if (colon) {
        char *stop;
        errno = 0;
        long p = strtol(colon + 1, &stop, 10);
        if (errno || *stop || stop == colon + 1 || p < 1 || p > 65535) return EX_USAGE;
        *port = (int)p;
    }
    return 0;
}

static int override_role(const struct settings *s, const struct role_request *rq,
                         struct role_target *t, struct decision_summary *sum, ri_err *e) {
    memset(t, 0, sizeof *t);
    memset(sum, 0, sizeof *sum);
    t->rule = sum->rule = "override";
    if (rq->override == OVERRIDE_MASTER) {
        t->action = sum->action = ACT_MASTER;
        return 0;
    }
    t->action = sum->action = rq->is_sentinel ? ACT_MONITOR : ACT_FOLLOW;
    if (role_split_hostport(rq->target, s->redis_port, t->host, sizeof t->host, &t->port))
        return ri_fail(e, EX_USAGE, "%s: expected HOST[:PORT], got \"%s\"",
                       rq->is_sentinel ? "--monitor" : "--replica-of", rq->target);
    snprintf(sum->master, sizeof sum->master, "%s", t->host);
    sum->master_port = t->port;
    return 0;
}

/* The role by discovery, with its actions; its reasons and warnings logged. */
static int decided_role(const struct settings *s, const struct secrets *sec, int is_sentinel,
                        struct role_target *t, struct decision_summary *sum, ri_err *e) {
    struct boot_result *r = calloc(1, sizeof *r);
    if (!r) return ri_fail(e, EX_OSERR, "out of memory");
    int rc = boot_decide(s, sec, is_sentinel, BOOT_ACT, r, e);
    if (rc == 0) {
        memset(t, 0, sizeof *t);
        t->action = r->dec.action;
        t->rule = r->dec.rule;
        t->port = r->dec.port;
        snprintf(t->host, sizeof t->host, "%s", r->dec.host);
        for (int i = 0; i < r->dec.n_warnings; i++)
            log_warn(r->dec.warnings[i], "rule", t->rule, NULL);
        for (int i = 0; i < r->dec.n_reasons; i++)
            log_info("because", "reason", r->dec.reasons[i], NULL);
        summarize_decision(&r->obs, &r->dec, r->elapsed_ms, r->rounds, sum);
    }
    free(r);
    return rc;
}

int role_credstate(const struct settings *s, int is_sentinel, struct creds_state *cs, ri_err *e) {
    memset(cs, 0, sizeof *cs);
    if (!s->creds_live) return 0;
    return credstate_read(is_sentinel ? s->conf_dir : s->data_dir, cs, e);
}

void role_login_secrets(const struct settings *s, int is_sentinel, struct secrets **sec) {
    struct creds_state cs;
    ri_err e = {0};
    if (role_credstate(s, is_sentinel, &cs, &e)) {
        log_debug("credentials: the state file is unreadable; logging in with the secrets", "error",
                  e.msg, NULL);
        return;
    }
    if (cs.phase == CREDS_ACCEPT && cs.old_login) {
        struct secrets *view = credstate_overlay(*sec, cs.old_login, &e);
        if (view) {
            secrets_free(*sec);
            *sec = view;
        }
    }
    credstate_free(&cs);
}

int role_configure(const struct settings *s, const struct secrets *sec,
                   const struct role_request *rq, char *conf_path, size_t conf_len,
                   struct decision_summary *sum, ri_err *e) {
    struct role_target t;
    struct rendered out;
    struct decision_summary own;
    if (!sum) sum = &own;
    int rc = settings_require_member(s, rq->is_sentinel, e);
    if (rc) return rc;
    rc = rq->override != OVERRIDE_NONE ? override_role(s, rq, &t, sum, e)
                                       : decided_role(s, sec, rq->is_sentinel, &t, sum, e);
    if (rc) return rc;
    struct creds_state cs;
    if ((rc = role_credstate(s, rq->is_sentinel, &cs, e))) return rc;
    if (cs.phase == CREDS_ACCEPT || cs.phase == CREDS_USE)
        log_info("credentials: a live rotation is under way; both passwords are kept", "generation",
                 cs.gen, "phase", creds_phase_name(cs.phase), NULL);
    rc = rq->is_sentinel ? render_sentinel(s, sec, &cs, &t, &out, e)
                         : render_redis(s, sec, &cs, &t, &out, e);
    credstate_free(&cs);
    if (rc) return rc;
    /* The exporter's file first: a missing EXPORTER_PASSWORD must leave
     * the configs as they were. */
    rc = exporter_write(s, sec, rq->is_sentinel, e);
    if (!rc) rc = render_commit(s, &out, e);
    if (!rc) rc = fs_join(conf_path, conf_len, s->conf_dir, out.files[0].name, e);
    rendered_free(&out);
    if (rc) return rc;
    char port[24];
    log_info("wrote configuration", "role", action_name(t.action), "rule", t.rule ? t.rule : "",
             "master", t.action == ACT_MASTER ? "" : t.host, "master_port",
             t.action == ACT_MASTER ? "" : log_int(port, t.port), "file", conf_path, NULL);
    return 0;
}
