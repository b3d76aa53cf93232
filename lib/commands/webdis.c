/* webdis.c: `webdis`: write webdis.json for Webdis behind the router
 * (engine/webdis.h). */
#include "engine/webdis.h"

#include "commands/app.h"
#include "commands/command.h"
#include "commands/help.h"

static int run_webdis(struct invocation *inv, ri_err *e) {
    static const char *const pre[] = {NULL};
    int rc = webdis_render(inv->s, inv->sec, e);
    if (rc || !inv->o->run) return rc;
    return app_run(inv, APP_WEBDIS, inv->s->webdis_bin, pre, "webdis.json", e);
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(
        f,
        "Usage: %s webdis [--run] [OPTIONS]\n\n"
        "Write webdis.json (0600) into the conf dir: Webdis behind the router as the\n"
        "WEBDIS_USERNAME/WEBDIS_PASSWORD user, HTTP ACL from everything disabled; with\n"
        "[tls] on, TLS to the router with the [tls] client pair.\n"
        "With --run, then start webdis on it ([paths] webdis) and stay as its init,\n"
        "restarting it when its certificate is renewed (Webdis cannot reload it).\n\nOptions:\n",
        o->prog);
    help_app_settings_options(f);
    fputs("      --run                start webdis and stay beside it\n", f);
    fputs("See docs/connecting.md and docs/tls.md.\n", f);
}

const struct command command_webdis = {
    .name = "webdis",
    .run = run_webdis,
    .flags = NEEDS_SETTINGS | NEEDS_SECRETS | REDIS_ONLY | USES_TLS | CHECKS_TLS | TLS_AS_CLIENT |
             TAKES_RUN,
    .summary = {"write webdis.json (Webdis behind the router)", NULL},
    .usage = usage,
};
