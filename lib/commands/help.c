/* help.c: the shared pieces of --help (see help.h). */
#include "commands/help.h"

static void settings_options(FILE *f, int data_dir) {
    fprintf(
        f,
        "  -c, --config FILE        settings INI file            (env REDIS_INIT_CONFIG)\n"
        "  -s, --secrets PATH       secrets: JSON file or directory (env REDIS_INIT_SECRETS)\n"
        "  -o, --out DIR            where config files are written (env REDIS_INIT_CONF_DIR)\n"
        "%s"
        "  -t, --templates DIR      use DIR/<name>.tmpl instead of the built-in templates\n"
        "      --set SECTION.KEY=VALUE  any setting (repeatable), e.g. --set "
        "discovery.deadline=30000\n"
        "  -v, --verbose            debug logging      -q, --quiet   warnings and errors only\n",
        data_dir ? "  -d, --data DIR           the Redis data directory (env REDIS_INIT_DATA_DIR)\n"
                 : "");
}

void help_settings_options(FILE *f, const struct cli_opts *o) {
    settings_options(f, o->kind != KIND_SENTINEL);
}

void help_app_settings_options(FILE *f) { settings_options(f, 0); }

void help_override_options(FILE *f, const struct cli_opts *o) {
    fputs(o->kind == KIND_SENTINEL
              ? "      --monitor HOST[:PORT]   monitor this master, skip discovery\n"
              : "      --master             this pod is the master, skip discovery\n"
                "      --replica-of HOST[:PORT] replicate from HOST, skip discovery\n",
          f);
}

void help_report_options(FILE *f) {
    fputs("      --json               print JSON (docs/discover-json.md)\n"
          "      --once               one round only\n"
          "      --all                hear every peer out (up to the probe timeout)\n"
          "                           even when the decision has already settled\n",
          f);
}

void help_health_options(FILE *f) {
    fputs("      --readiness          may traffic go to this pod (the default)\n"
          "      --liveness           is the server alive (LOADING, BUSY, MASTERDOWN count as "
          "alive)\n"
          "      --startup            has the server started (loading allowed)\n",
          f);
}

void help_footer(FILE *f) {
    fputs("\nIdentity comes from POD_NAME (ordinal = its -N suffix) and POD_NAMESPACE.\n"
          "Exit codes: 0 ok, 64 usage, 65 bad secrets data or an input file too large,\n"
          "66 unreadable input, 69 no safe decision before the deadline (check: not\n"
          "answering; prestop: not handed over), 71 exec failed, 73 cannot create output,\n"
          "74 I/O error, "
          "75 check: not ready, 77 check: probe user refused, 78 bad settings.\n"
          "Logs: logfmt on stderr.\n"
          "Reference: docs/configuration.md, docs/decision.md, docs/lifecycle.md.\n",
          f);
}
