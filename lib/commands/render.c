/* render.c: `render`: decide the role (or take it from an override) and
 * write the configuration files (engine/role.h). */
#include <limits.h>

#include "commands/command.h"
#include "commands/help.h"
#include "engine/role.h"

static int run_render(struct invocation *inv, ri_err *e) {
    const struct cli_opts *o = inv->o;
    struct role_request rq = {o->kind == KIND_SENTINEL, o->override, o->override_target};
    char conf_path[PATH_MAX];
    return role_configure(inv->s, inv->sec, &rq, conf_path, sizeof conf_path, NULL, e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(f,
            "Usage: %s render [OPTIONS]\n\n"
            "Decide the role by discovery (or take it from an override), then write\n"
            "%s and users.acl into the conf dir atomically.\n"
            "Exit 69 when no safe decision was reached before the deadline.\n\nOptions:\n",
            o->prog, o->kind == KIND_SENTINEL ? "sentinel.conf" : "redis.conf");
    help_settings_options(f, o);
    help_override_options(f, o);
    help_footer(f);
}

const struct command command_render = {
    .name = "render",
    .run = run_render,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | TAKES_OVERRIDE | USES_TLS | CHECKS_TLS,
    .summary = {"decide the role (or take it from an override), write redis.conf and users.acl",
                "decide the role (or take it from an override), write sentinel.conf and users.acl"},
    .usage = usage,
};
