/* webdis.c: `webdis`: write webdis.json for Webdis behind the router
 * (engine/webdis.h). */
#include "engine/webdis.h"

#include "commands/command.h"
#include "commands/help.h"

static int run_webdis(struct invocation *inv, ri_err *e) {
    return webdis_render(inv->s, inv->sec, e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    struct cli_opts as_router = *o;
    fprintf(
        f,
        "Usage: %s webdis [OPTIONS]\n\n"
        "Write webdis.json (0600) into the conf dir: Webdis behind the router as the\n"
        "WEBDIS_USERNAME/WEBDIS_PASSWORD user, HTTP ACL from everything disabled.\n\nOptions:\n",
        o->prog);
    as_router.kind = KIND_SENTINEL; /* Webdis has no data dir: no -d */
    help_settings_options(f, &as_router);
    fputs("See docs/connecting.md.\n", f);
}

const struct command command_webdis = {
    .name = "webdis",
    .run = run_webdis,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | REDIS_ONLY,
    .summary = {"write webdis.json (Webdis behind the router)", NULL},
    .usage = usage,
};
