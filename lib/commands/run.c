/* run.c: `run`: configure this pod as `render` does, then start the server
 * on the file written and stay as its init, with the agent beside it
 * (agent/supervise.h). With --exec or [lifecycle] agent = off it execs the
 * server instead, as it used to: then no process of ours stays in the pod. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/supervise.h"
#include "base/log.h"
#include "commands/cli.h"
#include "commands/command.h"
#include "commands/help.h"
#include "engine/report.h"
#include "engine/role.h"

static int exec_server(const char *bin, char *conf_path, int sent, ri_err *e) {
    char *const args[] = {(char *)bin, conf_path, NULL};
    log_info("exec", "program", bin, "config", conf_path, NULL);
    fflush(NULL);
    execvp(bin, args);
    return ri_fail(e, EX_OSERR, "cannot exec %s: %s ([paths] %s)", bin, strerror(errno),
                   sent ? "redis-sentinel" : "redis-server");
}

/* The agent's way to read the settings again (agent/module.h). */
static int reload_settings(const void *arg, struct settings *s, ri_err *e) {
    return cli_load_settings(arg, s, e);
}

static int run_run(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    int sent = o->kind == KIND_SENTINEL;
    struct role_request rq = {sent, o->override, o->override_target};
    char conf_path[PATH_MAX];
    struct decision_summary sum;
    int rc = role_configure(inv->s, inv->sec, &rq, conf_path, sizeof conf_path, &sum, e);
    report_termination(inv->s, sent ? "sentinel-init" : "redis-init", rc ? NULL : &sum, e);
    if (rc) return rc;
    const char *bin = sent ? inv->s->redis_sentinel_bin : inv->s->redis_server_bin;
    if (!inv->s->agent_on) {
        /* Wiped before exec: the server reads what it needs from the files. */
        secrets_free(inv->sec);
        inv->sec = NULL;
        return exec_server(bin, conf_path, sent, e);
    }
    char *const argv[] = {(char *)bin, conf_path, NULL};
    struct supervise_config sc = {
        .agent = {inv->s, inv->sec, sent, sum, APP_NONE, reload_settings, o},
        .agent_on = 1,
        .argv = argv,
    };
    rc = supervise_run(&sc, e);
    if (rc == EX_OSERR && e->msg[0])
        ri_prefix(e, "[paths] %s", sent ? "redis-sentinel" : "redis-server");
    return rc;
}

static void usage(FILE *f, const struct cli_opts *o) {
    int sent = o->kind == KIND_SENTINEL;
    fprintf(f,
            "Usage: %s run [--exec] [OPTIONS]\n\n"
            "Decide the role by discovery (or take it from an override), write %s\n"
            "and users.acl into the conf dir atomically, then start %s on it\n"
            "(%s with [server] flavour = valkey) and stay as its init: signals\n"
            "are forwarded once, children reaped, the exit status is the server's.\n"
            "%s"
            "With --exec (or [lifecycle] agent = off), exec the server instead.\n"
            "Exit 69 when no safe decision was reached before the deadline.\n"
            "docs/lifecycle.md.\n\nOptions:\n",
            o->prog, sent ? "sentinel.conf" : "redis.conf",
            sent ? "redis-sentinel" : "redis-server", sent ? "valkey-sentinel" : "valkey-server",
            sent ? "Beside it, on SIGTERM, the agent waits while this sentinel leads a failover.\n"
                 : "Beside it the agent keeps the history record fresh, steps an empty fresh\n"
                   "master down when a peer holds data, and on SIGTERM hands the master role\n"
                   "over first (the prestop rules).\n");
    help_settings_options(f, o);
    help_override_options(f, o);
    fputs("      --exec               exec the server (no init, no agent)\n", f);
    help_footer(f);
}

const struct command command_run = {
    .name = "run",
    .run = run_run,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | TAKES_OVERRIDE | TAKES_EXEC | USES_TLS | CHECKS_TLS,
    .summary = {"render, then start redis-server or valkey-server and stay as its init",
                "render, then start redis-sentinel or valkey-sentinel and stay as its init"},
    .usage = usage,
};
