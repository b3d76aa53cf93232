/* run.c: `run`: configure this pod as `render` does, then exec the server
 * on the file written: it replaces this process, so signals reach it
 * directly. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "commands/command.h"
#include "commands/help.h"
#include "engine/role.h"

static int run_run(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    int sent = o->kind == KIND_SENTINEL;
    struct role_request rq = {sent, o->override, o->override_target};
    char conf_path[PATH_MAX];
    int rc = role_configure(inv->s, inv->sec, &rq, conf_path, sizeof conf_path, e);
    if (rc) return rc;
    /* Wiped before exec: the server reads what it needs from the files. */
    secrets_free(inv->sec);
    inv->sec = NULL;
    const char *bin = sent ? inv->s->redis_sentinel_bin : inv->s->redis_server_bin;
    char *const args[] = {(char *)bin, conf_path, NULL};
    log_info("exec", "program", bin, "config", conf_path, NULL);
    fflush(NULL);
    execvp(bin, args);
    return ri_fail(e, EX_OSERR, "cannot exec %s: %s ([paths] %s)", bin, strerror(errno),
                   sent ? "redis-sentinel" : "redis-server");
}

static void usage(FILE *f, const struct cli_opts *o) {
    int sent = o->kind == KIND_SENTINEL;
    fprintf(f,
            "Usage: %s run [OPTIONS]\n\n"
            "Decide the role by discovery (or take it from an override), then write\n"
            "%s and users.acl into the conf dir atomically.\n"
            "Then exec %s on it: it replaces this process, so signals reach it directly.\n"
            "Exit 69 when no safe decision was reached before the deadline.\n\nOptions:\n",
            o->prog, sent ? "sentinel.conf" : "redis.conf",
            sent ? "redis-sentinel (valkey-sentinel with [server] flavour = valkey)"
                 : "redis-server (valkey-server with [server] flavour = valkey)");
    help_settings_options(f, o);
    help_override_options(f, o);
    help_footer(f);
}

const struct command command_run = {
    .name = "run",
    .run = run_run,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | TAKES_OVERRIDE,
    .summary = {"render, then exec redis-server or valkey-server on the generated file",
                "render, then exec redis-sentinel or valkey-sentinel on the generated file"},
    .usage = usage,
};
