/* cli.c: options, help, settings precedence, and dispatch to the commands
 * (lib/cmd_<name>.c, declared in commands.h). */
#include "commands/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/command.h"
#include "base/log.h"
#include "config/secrets.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

extern char **environ;

/* ---------------------------------------------------------------------------
 * Help
 * ------------------------------------------------------------------------ */

static void usage_common_options(FILE *f, int sent) {
    fprintf(f,
            "  -c, --config FILE        settings INI file            (env REDIS_INIT_CONFIG)\n"
            "  -s, --secrets PATH       secrets: JSON file or directory (env REDIS_INIT_SECRETS)\n"
            "  -o, --out DIR            where config files are written (env REDIS_INIT_CONF_DIR)\n"
            "%s"
            "  -t, --templates DIR      use DIR/<name>.tmpl instead of the built-in templates\n"
            "      --set SECTION.KEY=VALUE  any setting (repeatable), e.g. --set discovery.deadline=30000\n"
            "  -v, --verbose            debug logging      -q, --quiet   warnings and errors only\n",
            sent ? "" : "  -d, --data DIR           the Redis data directory (env REDIS_INIT_DATA_DIR)\n");
}

static void usage_role_options(FILE *f, int sent) {
    fputs(sent ? "      --monitor HOST[:PORT]   monitor this master, skip discovery\n"
               : "      --master             this pod is the master, skip discovery\n"
                 "      --replica-of HOST[:PORT] replicate from HOST, skip discovery\n", f);
}

static void usage_discover_options(FILE *f) {
    fputs("      --json               print JSON (docs/discover-json.md)\n"
          "      --once               one round only\n"
          "      --all                hear every peer out (up to the probe timeout)\n"
          "                           even when the decision has already settled\n", f);
}

static void usage_check_options(FILE *f) {
    fputs("      --readiness          may traffic go to this pod (the default)\n"
          "      --liveness           is the server alive (LOADING, BUSY, MASTERDOWN count as alive)\n"
          "      --startup            has the server started (loading allowed)\n", f);
}

static void usage_footer(FILE *f) {
    fputs("\nIdentity comes from POD_NAME (ordinal = its -N suffix) and POD_NAMESPACE.\n"
          "Exit codes: 0 ok, 64 usage, 65 bad secrets data, 66 unreadable input,\n"
          "69 no safe decision before the deadline (check: not answering; prestop: not\n"
          "handed over), 71 exec failed, 73 cannot create output, 74 I/O error,\n"
          "75 check: not ready, 77 check: probe user refused, 78 bad settings.\n"
          "Logs: logfmt on stderr.\n"
          "Reference: docs/configuration.md, docs/decision.md, docs/lifecycle.md.\n", f);
}

/* `PROG COMMAND --help`: what that command does and the options it takes. */
static void usage_command(FILE *f, const struct cli_opts *o, enum ri_command cmd) {
    int sent = o->kind == KIND_SENTINEL;
    const char *conf = sent ? "sentinel.conf" : "redis.conf";
    const char *server = sent ? "redis-sentinel (valkey-sentinel with [server] flavour = valkey)"
                              : "redis-server (valkey-server with [server] flavour = valkey)";
    if (cmd == CMD_ROUTER || cmd == CMD_ROUTER_CHECK || cmd == CMD_WEBDIS) {
        static const char *const what[] = {
            "Write haproxy.cfg, router-check and router-check.ini into the conf dir: HAProxy\n"
            "routes to the pod that answers role:master and that a majority of the sentinels\n"
            "name. No credential is written: the check reads the secrets itself.\n",
            "HAProxy's external health check (router-check runs it): exit 0 when the server in\n"
            "HAPROXY_SERVER_NAME/_ADDR/_PORT is the master a majority of the sentinels name,\n"
            "69 when it is not, 64 outside HAProxy.\n",
            "Write webdis.json (0600) into the conf dir: Webdis behind the router as the\n"
            "WEBDIS_USERNAME/WEBDIS_PASSWORD user, HTTP ACL from everything disabled.\n"};
        fprintf(f, "Usage: %s %s [OPTIONS]\n\n%s\nOptions:\n", o->prog,
                cmd == CMD_ROUTER ? "router" : cmd == CMD_WEBDIS ? "webdis" : "router-check",
                what[cmd == CMD_ROUTER ? 0 : cmd == CMD_ROUTER_CHECK ? 1 : 2]);
        usage_common_options(f, 1);
        fputs("See docs/connecting.md.\n", f);
        return;
    }
    if (cmd == CMD_INSTALL) {
        cmd_install_usage(f, o->prog);
        return;
    }
    if (cmd == CMD_CHECK) {
        fprintf(f, "Usage: %s check [--readiness | --liveness | --startup] [OPTIONS]\n\n"
                   "One Kubernetes probe of this pod's own %s (on 127.0.0.1), plus the sentinels\n"
                   "where the rule needs them, as the least-privilege probe user, bounded by\n"
                   "[lifecycle] check-timeout. Exit 0 pass, 69 the server does not answer,\n"
                   "75 it answers but is not ready, 77 the probe user was refused; one line on\n"
                   "stderr says why. Rules: docs/lifecycle.md.\n\nOptions:\n",
                o->prog, sent ? "sentinel" : "redis server");
        usage_common_options(f, sent);
        usage_check_options(f);
    } else if (cmd == CMD_PRESTOP) {
        fprintf(f, "Usage: %s prestop [OPTIONS]\n\n%s"
                   "Bounded by [lifecycle] prestop-timeout; exit 0 when done or nothing to do,\n"
                   "69 when it could not (logged). Rules: docs/lifecycle.md.\n\nOptions:\n",
                o->prog, sent ? "The sentinel container's preStop hook: returns at once unless this sentinel\n"
                                "leads a failover in progress; then it waits for it to finish.\n"
                              : "The redis container's preStop hook: if this pod is the master, pause writes,\n"
                                "let the replicas catch up, make the sentinels fail over, follow the new\n"
                                "master and unpause. A replica returns at once.\n");
        usage_common_options(f, sent);
    } else if (cmd == CMD_DISCOVER) {
        fprintf(f, "Usage: %s discover [OPTIONS]\n\n"
                   "Ask every sentinel and redis pod, print what each answered (or how it failed),\n"
                   "%sthe decision, its rule and reasons. Writes and changes nothing.\n"
                   "Exit 0 when a decision was reached, 69 when not before the deadline.\n\nOptions:\n",
                o->prog, sent ? "" : "this pod's data directory, ");
        usage_common_options(f, sent);
        usage_discover_options(f);
    } else {
        fprintf(f, "Usage: %s %s [OPTIONS]\n\n"
                   "Decide the role by discovery (or take it from an override), then write\n"
                   "%s and users.acl into the conf dir atomically.\n",
                o->prog, cmd == CMD_RUN ? "run" : "render", conf);
        if (cmd == CMD_RUN)
            fprintf(f, "Then exec %s on it: it replaces this process, so signals reach it directly.\n",
                    server);
        fputs("Exit 69 when no safe decision was reached before the deadline.\n\nOptions:\n", f);
        usage_common_options(f, sent);
        usage_role_options(f, sent);
    }
    usage_footer(f);
}

static void usage(FILE *f, const struct cli_opts *o) {
    int sent = o->kind == KIND_SENTINEL;
    if (o->help_for != CMD_NONE) { usage_command(f, o, o->help_for); return; }
    fprintf(f,
            "Usage: %s COMMAND [OPTIONS]\n"
            "       %s COMMAND --help | --help | --version\n\n"
            "%s\n\n"
            "Commands:\n"
            "  render     decide the role (or take it from an override), write %s and users.acl\n"
            "  discover   ask every peer, print what they said and the decision; write nothing\n"
            "  run        render, then exec %s on the generated file\n"
            "  check      a Kubernetes probe: --readiness (default), --liveness, --startup\n"
            "  prestop    the preStop hook: hand the master role over before stopping\n"
            "  install DIR  copy this program into DIR as redis-init and sentinel-init\n"
            "%s\n"
            "Options:\n",
            o->prog, o->prog,
            sent ? "Configure a Redis Sentinel: find the current master, monitor it."
                 : "Configure a Redis pod: decide master or replica from its peers, safely.",
            sent ? "sentinel.conf" : "redis.conf",
            sent ? "redis-sentinel or valkey-sentinel" : "redis-server or valkey-server",
            sent ? "" : "  router     write haproxy.cfg + its health check for the master router\n"
                        "  router-check  that health check (HAProxy runs it; docs/connecting.md)\n"
                        "  webdis     write webdis.json (Webdis behind the router)\n");
    usage_common_options(f, sent);
    fputs("render and run:\n", f);
    usage_role_options(f, sent);
    fputs("discover:\n", f);
    usage_discover_options(f);
    fputs("check:\n", f);
    usage_check_options(f);
    fputs("  -h, --help               this help          -V, --version\n", f);
    usage_footer(f);
}

/* ---------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

enum { OPT_SET = 256, OPT_MASTER, OPT_REPLICA_OF, OPT_MONITOR, OPT_JSON, OPT_ONCE, OPT_ALL,
       OPT_READINESS, OPT_LIVENESS, OPT_STARTUP };

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},   {"secrets", required_argument, NULL, 's'},
    {"out", required_argument, NULL, 'o'},      {"data", required_argument, NULL, 'd'},
    {"templates", required_argument, NULL, 't'}, {"set", required_argument, NULL, OPT_SET},
    {"master", no_argument, NULL, OPT_MASTER},  {"replica-of", required_argument, NULL, OPT_REPLICA_OF},
    {"monitor", required_argument, NULL, OPT_MONITOR}, {"json", no_argument, NULL, OPT_JSON},
    {"once", no_argument, NULL, OPT_ONCE},      {"all", no_argument, NULL, OPT_ALL},
    {"readiness", no_argument, NULL, OPT_READINESS}, {"liveness", no_argument, NULL, OPT_LIVENESS},
    {"startup", no_argument, NULL, OPT_STARTUP},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},        {NULL, 0, NULL, 0},
};

static int misuse(const struct cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int misuse(const struct cli_opts *o, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "%s: ", o->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try '%s --help')\n", o->prog);
    return EX_USAGE;
}

static int add_set(struct cli_opts *o, const char *section, const char *key, const char *value,
                   const char *flag) {
    if (o->n_sets == CLI_MAX_SETS) return misuse(o, "too many options");
    o->sets[o->n_sets].section = section;
    o->sets[o->n_sets].key = key;
    o->sets[o->n_sets].value = value;
    o->sets[o->n_sets++].flag = flag;
    return 0;
}

static int parse_command(const char *word, enum ri_command *cmd) {
    static const struct { const char *name; enum ri_command cmd; } table[] = {
        {"render", CMD_RENDER}, {"discover", CMD_DISCOVER}, {"run", CMD_RUN},
        {"check", CMD_CHECK},   {"prestop", CMD_PRESTOP}, {"install", CMD_INSTALL},
        {"help", CMD_HELP},     {"--help", CMD_HELP},       {"-h", CMD_HELP},
        {"--version", CMD_VERSION}, {"-V", CMD_VERSION},    {"version", CMD_VERSION},
        {"router", CMD_ROUTER}, {"router-check", CMD_ROUTER_CHECK}, {"webdis", CMD_WEBDIS},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(word, table[i].name) == 0) { *cmd = table[i].cmd; return 0; }
    return -1;
}

static int set_override(struct cli_opts *o, int kind, const char *arg) {
    if (o->role_override) return misuse(o, "only one of --master, --replica-of, --monitor");
    o->role_override = kind;
    o->override_arg = arg;
    return 0;
}

static const char *bad_option = "";

/* install DIR: one operand, and none of the settings options. */
static int parse_install(struct cli_opts *o, int nargs, char **args) {
    if (o->n_sets || o->n_set_args || o->config_path || o->role_override || o->json || o->once ||
        o->all || o->probe_set)
        return misuse(o, "install takes no settings, secrets or role options");
    if (nargs != 1) return misuse(o, nargs ? "install takes one DIR" : "install needs a DIR");
    o->install_dir = args[0];
    return 0;
}

static int parse_option(struct cli_opts *o, int c, const char *arg) {
    int sent = o->kind == KIND_SENTINEL;
    switch (c) {
    case 'c': o->config_path = arg; return 0;
    case 's': return add_set(o, "paths", "secrets", arg, "--secrets");
    case 'o': return add_set(o, "paths", "conf-dir", arg, "--out");
    case 'd':
        if (sent) return misuse(o, "--data is a redis-init option");
        return add_set(o, "redis", "dir", arg, "--data");
    case 't': return add_set(o, "paths", "templates", arg, "--templates");
    case OPT_SET:
        if (o->n_set_args == CLI_MAX_SETS) return misuse(o, "too many --set options");
        o->set_args[o->n_set_args++] = arg;
        return 0;
    case OPT_MASTER:
        if (sent) return misuse(o, "--master is a redis-init option; use --monitor");
        return set_override(o, 1, NULL);
    case OPT_REPLICA_OF:
        if (sent) return misuse(o, "--replica-of is a redis-init option; use --monitor");
        return set_override(o, 2, arg);
    case OPT_MONITOR:
        if (!sent) return misuse(o, "--monitor is a sentinel-init option");
        return set_override(o, 2, arg);
    case OPT_JSON: o->json = 1; return 0;
    case OPT_ONCE: o->once = 1; return 0;
    case OPT_ALL: o->all = 1; return 0;
    case OPT_READINESS: case OPT_LIVENESS: case OPT_STARTUP: {
        int kind = c == OPT_READINESS ? PROBE_READINESS : c == OPT_LIVENESS ? PROBE_LIVENESS : PROBE_STARTUP;
        if (o->probe_set && o->probe != kind)
            return misuse(o, "only one of --readiness, --liveness, --startup");
        o->probe = kind;
        o->probe_set = 1;
        return 0;
    }
    case 'v': o->verbose = 1; return 0;
    case 'q': o->quiet = 1; return 0;
    case 'h':
        if (o->cmd != CMD_HELP && o->cmd != CMD_VERSION) o->help_for = o->cmd;
        o->cmd = CMD_HELP;
        return 0;
    case 'V': o->cmd = CMD_VERSION; return 0;
    case ':': return misuse(o, "option %s needs an argument", bad_option);
    default: return misuse(o, "unknown option %s", bad_option);
    }
}

int cli_parse(int argc, char **argv, enum ri_kind kind, struct cli_opts *o) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->prog = kind == KIND_SENTINEL ? "sentinel-init" : "redis-init";
    if (argc < 2)
        return misuse(o, "missing command (render, discover, run, check, prestop or install)");
    if (parse_command(argv[1], &o->cmd) != 0) return misuse(o, "unknown command '%s'", argv[1]);
    if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION) return 0;
    enum ri_command cmd = o->cmd;
    int around = cmd == CMD_ROUTER || cmd == CMD_ROUTER_CHECK || cmd == CMD_WEBDIS;
    if (around && kind == KIND_SENTINEL) return misuse(o, "%s is a redis-init command", argv[1]);
    optind = 1;
    opterr = 0;  /* our own one-line message instead of getopt's */
    int c;
    /* argv[1] (the command) plays argv[0] for getopt; '+' stops at the first operand. */
    while ((c = getopt_long(argc - 1, argv + 1, "+:c:s:o:d:t:vqhV", long_opts, NULL)) != -1) {
        bad_option = argv[optind];  /* = (argv + 1)[optind - 1]: the word getopt just read */
        int rc = parse_option(o, c, optarg);
        if (rc) return rc;
    }
    if (cmd == CMD_INSTALL && o->cmd == CMD_INSTALL)
        return parse_install(o, argc - 1 - optind, argv + 1 + optind);
    if (optind < argc - 1) return misuse(o, "unexpected argument '%s'", argv[optind + 1]);
    if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION) return 0;
    if ((cmd == CMD_DISCOVER || cmd == CMD_CHECK || cmd == CMD_PRESTOP || around) && o->role_override)
        return misuse(o, "%s takes no role override", argv[1]);
    if (cmd != CMD_CHECK && o->probe_set)
        return misuse(o, "--readiness, --liveness and --startup are check options");
    /* HAProxy runs router-check every second: only failures of its own set-up are logged. */
    if (cmd == CMD_ROUTER_CHECK && !o->verbose) o->quiet = 1;
    if (cmd != CMD_DISCOVER && (o->json || o->once || o->all))
        return misuse(o, "--json, --once and --all are discover options");
    return 0;
}

int cli_split_hostport(const char *arg, int default_port, char *host, size_t hostlen, int *port) {
    const char *end, *colon = NULL;
    if (!arg || !*arg) return EX_USAGE;
    if (arg[0] == '[') {
        end = strchr(arg, ']');
        if (!end || (end[1] != '\0' && end[1] != ':')) return EX_USAGE;
        if (end[1] == ':') colon = end + 1;
        arg++;
    } else {
        colon = strrchr(arg, ':');
        if (colon && strchr(arg, ':') != colon) colon = NULL;  /* bare IPv6: no port */
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

/* ---------------------------------------------------------------------------
 * Settings: default < INI < environment < flags
 * ------------------------------------------------------------------------ */

static int load_settings(const struct cli_opts *o, struct settings *s, ri_err *e) {
    int rc;
    settings_init(s);
    const char *ini = o->config_path ? o->config_path : getenv("REDIS_INIT_CONFIG");
    if (ini && *ini && (rc = settings_load_ini(s, ini, e))) return rc;
    if ((rc = settings_load_env(s, environ, e))) return rc;
    for (int i = 0; i < o->n_sets; i++) {
        char where[64];
        snprintf(where, sizeof where, "flag %s", o->sets[i].flag);
        if ((rc = settings_set(s, ORIGIN_FLAG, where, o->sets[i].section, o->sets[i].key,
                               o->sets[i].value, e)))
            return rc;
    }
    for (int i = 0; i < o->n_set_args; i++)
        if ((rc = settings_set_arg(s, o->set_args[i], e))) return rc;
    return settings_finish(s, e);
}

int cli_execute(struct cli_opts *o) {
    ri_err e = {0};
    struct settings *s = calloc(1, sizeof *s);
    struct secrets *sec = NULL;
    char conf_path[SET_PATH_MAX];
    if (!s) return ri_fail(&e, EX_OSERR, "out of memory");
    log_init(o->prog, o->verbose ? LOG_DEBUG : o->quiet ? LOG_WARN : LOG_INFO);
    if (o->cmd == CMD_INSTALL) {  /* no settings, no secrets */
        int rc = cmd_install("/proc/self/exe", o->install_dir, &e);
        if (rc) log_error(e.msg, "exit_code", log_int((char[24]){0}, rc), NULL);
        free(s);
        return rc;
    }
    int rc = load_settings(o, s, &e);
    if (!rc) rc = secrets_load(&sec, s->secrets_path, &e);
    if (!rc && o->cmd == CMD_DISCOVER) rc = cmd_discover(o, s, sec, &e);
    else if (!rc && o->cmd == CMD_CHECK) rc = cmd_check(o->kind, (enum probe_kind)o->probe, s, sec, &e);
    else if (!rc && o->cmd == CMD_PRESTOP) rc = cmd_prestop(o->kind, s, sec, &e);
    else if (!rc && o->cmd == CMD_ROUTER) rc = cmd_router(s, &e);
    else if (!rc && o->cmd == CMD_ROUTER_CHECK) rc = cmd_router_check(s, sec, &e);
    else if (!rc && o->cmd == CMD_WEBDIS) rc = cmd_webdis(s, sec, &e);
    else if (!rc) rc = cmd_render(o, s, sec, conf_path, sizeof conf_path, &e);
    if (!rc && o->cmd == CMD_RUN) {
        secrets_free(sec);  /* wiped before exec: Redis reads what it needs from the files */
        sec = NULL;
        rc = cmd_run(o, s, conf_path, &e);
    }
    /* router-check's "do not route" is its answer, not an error. */
    if (rc && !(o->cmd == CMD_ROUTER_CHECK && rc == EX_UNAVAILABLE))
        log_error(e.msg, "exit_code", log_int((char[24]){0}, rc), NULL);
    else if (rc) log_debug(e.msg, NULL);
    secrets_free(sec);
    free(s);
    return rc;
}

int cli_main(int argc, char **argv, enum ri_kind kind) {
    struct cli_opts o;
    int rc = cli_parse(argc, argv, cli_kind_from_argv0(argv[0], kind), &o);
    if (rc) return rc;
    if (o.cmd == CMD_HELP) { usage(stdout, &o); return 0; }
    if (o.cmd == CMD_VERSION) { printf("%s %s\n", o.prog, RI_VERSION); return 0; }
    return cli_execute(&o);
}
