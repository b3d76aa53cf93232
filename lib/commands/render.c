/* cmd_render.c: `render` and `run`: decide the role (an override from the
 * command line, or discovery with its actions), write the files
 * atomically, and for `run` exec the server on them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/command.h"
#include "engine/boot.h"
#include "base/log.h"
#include "engine/render.h"

static int override_role(const struct cli_opts *o, const struct settings *s, struct role_target *t,
                         ri_err *e) {
    memset(t, 0, sizeof *t);
    t->rule = "override";
    if (o->role_override == 1) { t->action = ACT_MASTER; return 0; }
    t->action = o->kind == KIND_SENTINEL ? ACT_MONITOR : ACT_FOLLOW;
    if (cli_split_hostport(o->override_arg, s->redis_port, t->host, sizeof t->host, &t->port))
        return ri_fail(e, EX_USAGE, "%s: expected HOST[:PORT], got \"%s\"",
                       o->kind == KIND_SENTINEL ? "--monitor" : "--replica-of", o->override_arg);
    return 0;
}

/* The role for render/run: an override, or discovery (with actions). */
static int decide_role(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
                       struct role_target *t, ri_err *e) {
    int rc = discover_check_member(s, o->kind == KIND_SENTINEL, e);
    if (rc) return rc;
    if (o->role_override) return override_role(o, s, t, e);
    struct discover_result *r = calloc(1, sizeof *r);
    if (!r) return ri_fail(e, EX_OSERR, "out of memory");
    rc = discover(s, sec, o->kind == KIND_SENTINEL, DISCOVER_ACT, r, e);
    if (rc == 0) {
        memset(t, 0, sizeof *t);
        t->action = r->dec.action;
        t->rule = r->dec.rule;
        t->port = r->dec.port;
        snprintf(t->host, sizeof t->host, "%s", r->dec.host);
        for (int i = 0; i < r->dec.n_warnings; i++) log_warn(r->dec.warnings[i], "rule", t->rule, NULL);
        for (int i = 0; i < r->dec.n_reasons; i++) log_info("because", "reason", r->dec.reasons[i], NULL);
    }
    free(r);
    return rc;
}

int cmd_render(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
                      char *conf_path, size_t conf_len, ri_err *e) {
    struct role_target t;
    struct rendered out;
    int rc = decide_role(o, s, sec, &t, e);
    if (rc) return rc;
    int sent = o->kind == KIND_SENTINEL;
    rc = sent ? render_sentinel(s, sec, &t, &out, e) : render_redis(s, sec, &t, &out, e);
    if (rc) return rc;
    rc = render_commit(s, &out, e);
    if (!rc) rc = fs_join(conf_path, conf_len, s->conf_dir, out.files[0].name, e);
    rendered_free(&out);
    if (rc) return rc;
    char port[24];
    log_info("wrote configuration", "role", action_name(t.action), "rule", t.rule ? t.rule : "",
             "master", t.action == ACT_MASTER ? "" : t.host,
             "master_port", t.action == ACT_MASTER ? "" : log_int(port, t.port), "file", conf_path, NULL);
    return 0;
}

int cmd_run(const struct cli_opts *o, const struct settings *s, const char *conf_path, ri_err *e) {
    const char *bin = o->kind == KIND_SENTINEL ? s->redis_sentinel_bin : s->redis_server_bin;
    char *const args[] = {(char *)bin, (char *)conf_path, NULL};
    log_info("exec", "program", bin, "config", conf_path, NULL);
    fflush(NULL);
    execvp(bin, args);
    return ri_fail(e, EX_OSERR, "cannot exec %s: %s ([paths] %s)", bin, strerror(errno),
                   o->kind == KIND_SENTINEL ? "redis-sentinel" : "redis-server");
}
