/* cli.c: the command table, the command line, settings precedence, and
 * dispatch (see cli.h). help and version live here: they need the table. */
#include "commands/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "commands/help.h"
#include "engine/role.h"
#include "engine/tlsboot.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

extern char **environ;

/* The order of the command list in --help. */
static const struct command *const commands[] = {
    &command_render,  &command_discover, &command_run,         &command_check,
    &command_prestop, &command_install,  &command_router,      &command_router_check,
    &command_webdis,  &command_exporter, &command_credentials, &command_help,
    &command_version,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const struct command *cli_find(const char *name) {
    static const struct {
        const char *alias;
        const struct command *cmd;
    } aliases[] = {{"--help", &command_help},
                   {"-h", &command_help},
                   {"--version", &command_version},
                   {"-V", &command_version}};
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i]->name) == 0) return commands[i];
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0) return aliases[i].cmd;
    return NULL;
}

enum ri_kind cli_kind_from_argv0(const char *argv0, enum ri_kind dflt) {
    if (!argv0) return dflt;
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    if (strcmp(base, "sentinel-init") == 0) return KIND_SENTINEL;
    if (strcmp(base, "redis-init") == 0) return KIND_REDIS;
    return dflt;
}

/* ---------------------------------------------------------------------------
 * help and version
 * ------------------------------------------------------------------------ */

static void command_list(FILE *f, const struct cli_opts *o) {
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const struct command *c = commands[i];
        const char *summary = c->summary[o->kind];
        char label[32];
        if (!summary) continue;
        snprintf(label, sizeof label, "%s%s", c->name,
                 c->flags & TAKES_DIR      ? " DIR"
                 : c->flags & TAKES_ACTION ? " status"
                                           : "");
        fprintf(f, strlen(label) < 10 ? "  %-10s %s\n" : "  %s  %s\n", label, summary);
    }
}

static void usage(FILE *f, const struct cli_opts *o) {
    int sent = o->kind == KIND_SENTINEL;
    fprintf(f,
            "Usage: %s COMMAND [OPTIONS]\n"
            "       %s COMMAND --help | --help | --version\n\n"
            "%s\n\n"
            "Commands:\n",
            o->prog, o->prog,
            sent ? "Configure a Redis Sentinel: find the current master, monitor it."
                 : "Configure a Redis pod: decide master or replica from its peers, safely.");
    command_list(f, o);
    fputs("\nOptions:\n", f);
    help_settings_options(f, o);
    fputs("render and run:\n", f);
    help_override_options(f, o);
    fputs("discover:\n", f);
    help_report_options(f);
    fputs("check:\n", f);
    help_health_options(f);
    fputs("  -h, --help               this help          -V, --version\n", f);
    help_footer(f);
}

static int run_help(struct invocation *inv, ri_err *e) {
    (void)e;
    if (inv->o->help_for) inv->o->help_for->usage(stdout, inv->o);
    else usage(stdout, inv->o);
    return 0;
}

static int run_version(struct invocation *inv, ri_err *e) {
    (void)e;
    printf("%s %s\n", inv->o->prog, RI_VERSION);
    return 0;
}

/* Not listed among the commands: the usage names them. */
const struct command command_help = {.name = "help", .run = run_help, .usage = usage};
const struct command command_version = {.name = "version", .run = run_version, .usage = usage};

/* ---------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

enum {
    OPT_SET = 256,
    OPT_MASTER,
    OPT_REPLICA_OF,
    OPT_MONITOR,
    OPT_JSON,
    OPT_ONCE,
    OPT_ALL,
    OPT_READINESS,
    OPT_LIVENESS,
    OPT_STARTUP,
    OPT_EXEC,
    OPT_RUN
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"secrets", required_argument, NULL, 's'},
    {"out", required_argument, NULL, 'o'},
    {"data", required_argument, NULL, 'd'},
    {"templates", required_argument, NULL, 't'},
    {"set", required_argument, NULL, OPT_SET},
    {"master", no_argument, NULL, OPT_MASTER},
    {"replica-of", required_argument, NULL, OPT_REPLICA_OF},
    {"monitor", required_argument, NULL, OPT_MONITOR},
    {"json", no_argument, NULL, OPT_JSON},
    {"once", no_argument, NULL, OPT_ONCE},
    {"all", no_argument, NULL, OPT_ALL},
    {"readiness", no_argument, NULL, OPT_READINESS},
    {"liveness", no_argument, NULL, OPT_LIVENESS},
    {"startup", no_argument, NULL, OPT_STARTUP},
    {"exec", no_argument, NULL, OPT_EXEC},
    {"run", no_argument, NULL, OPT_RUN},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int misuse(const struct cli_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
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

static int set_override(struct cli_opts *o, enum role_override ov, const char *target) {
    if (o->override != OVERRIDE_NONE)
        return misuse(o, "only one of --master, --replica-of, --monitor");
    o->override = ov;
    o->override_target = target;
    return 0;
}

static int set_health(struct cli_opts *o, enum health_kind kind) {
    if (o->health_set && o->health != kind)
        return misuse(o, "only one of --readiness, --liveness, --startup");
    o->health = kind;
    o->health_set = 1;
    return 0;
}

static const char *bad_option = "";

/* The options every command may be given; the command's flags are checked
 * once all are read (check_fits). */
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
        return set_override(o, OVERRIDE_MASTER, NULL);
    case OPT_REPLICA_OF:
        if (sent) return misuse(o, "--replica-of is a redis-init option; use --monitor");
        return set_override(o, OVERRIDE_FOLLOW, arg);
    case OPT_MONITOR:
        if (!sent) return misuse(o, "--monitor is a sentinel-init option");
        return set_override(o, OVERRIDE_FOLLOW, arg);
    case OPT_JSON: o->json = 1; return 0;
    case OPT_ONCE: o->once = 1; return 0;
    case OPT_ALL: o->all = 1; return 0;
    case OPT_READINESS: return set_health(o, HEALTH_READINESS);
    case OPT_LIVENESS: return set_health(o, HEALTH_LIVENESS);
    case OPT_STARTUP: return set_health(o, HEALTH_STARTUP);
    case OPT_EXEC: o->exec = 1; return add_set(o, "lifecycle", "agent", "off", "--exec");
    case OPT_RUN: o->run = 1; return 0;
    case 'v': o->verbose = 1; return 0;
    case 'q': o->quiet = 1; return 0;
    case 'h':
        if (o->cmd != &command_help && o->cmd != &command_version) o->help_for = o->cmd;
        o->cmd = &command_help;
        return 0;
    case 'V': o->cmd = &command_version; return 0;
    case ':': return misuse(o, "option %s needs an argument", bad_option);
    default: return misuse(o, "unknown option %s", bad_option);
    }
}

/* The options given must be ones the command takes (cmd: as named). */
static int check_fits(const struct cli_opts *o, const struct command *cmd, int nargs, char **args) {
    unsigned fl = cmd->flags;
    if (fl & TAKES_DIR) {
        if (o->n_sets || o->n_set_args || o->config_path || o->override || o->json || o->once ||
            o->all || o->health_set || o->exec || o->run)
            return misuse(o, "%s takes no settings, secrets or role options", cmd->name);
        if (nargs != 1) return misuse(o, nargs ? "%s takes one DIR" : "%s needs a DIR", cmd->name);
        return 0;
    }
    if (fl & TAKES_PROGRAM) {
        if (nargs < 1) return misuse(o, "%s needs -- PROGRAM [ARGS...]", cmd->name);
    } else if (fl & TAKES_ACTION) {
        if (nargs != 1)
            return misuse(o, nargs ? "%s takes one action" : "%s needs an action", cmd->name);
        if (o->once || o->all) return misuse(o, "--once and --all are discover options");
    } else if (nargs > 0) {
        return misuse(o, "unexpected argument '%s'", args[0]);
    }
    if (!(fl & TAKES_OVERRIDE) && o->override)
        return misuse(o, "%s takes no role override", cmd->name);
    if (!(fl & TAKES_HEALTH_KIND) && o->health_set)
        return misuse(o, "--readiness, --liveness and --startup are check options");
    if (!(fl & TAKES_REPORT) && (o->json || o->once || o->all))
        return misuse(o, "--json, --once and --all are discover options");
    if (!(fl & TAKES_EXEC) && o->exec) return misuse(o, "--exec is a run option");
    if (!(fl & TAKES_RUN) && o->run)
        return misuse(o, "--run is a router, webdis and exporter option");
    return 0;
}

int cli_parse(int argc, char **argv, enum ri_kind kind, struct cli_opts *o) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->prog = kind == KIND_SENTINEL ? "sentinel-init" : "redis-init";
    if (argc < 2)
        return misuse(o, "missing command (render, discover, run, check, prestop or install)");
    const struct command *cmd = cli_find(argv[1]);
    if (!cmd) return misuse(o, "unknown command '%s'", argv[1]);
    o->cmd = cmd;
    if (cmd == &command_help || cmd == &command_version) return 0;
    if ((cmd->flags & REDIS_ONLY) && kind == KIND_SENTINEL)
        return misuse(o, "%s is a redis-init command", argv[1]);
    optind = 1;
    opterr = 0; /* our own one-line message instead of getopt's */
    int c;
    /* argv[1] (the command) plays argv[0] for getopt; '+' stops at the first operand. */
    while ((c = getopt_long(argc - 1, argv + 1, "+:c:s:o:d:t:vqhV", long_opts, NULL)) != -1) {
        bad_option = argv[optind]; /* = (argv + 1)[optind - 1]: the word getopt just read */
        int rc = parse_option(o, c, optarg);
        if (rc) return rc;
    }
    int nargs = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (o->cmd != cmd) /* COMMAND --help or --version */
        return nargs > 0 ? misuse(o, "unexpected argument '%s'", args[0]) : 0;
    int rc = check_fits(o, cmd, nargs, args);
    if (rc) return rc;
    if (cmd->flags & TAKES_DIR) o->dir = args[0];
    if (cmd->flags & TAKES_ACTION) o->action = args[0];
    if (cmd->flags & TAKES_PROGRAM) o->program = args; /* argv's own NULL ends it */
    if ((cmd->flags & QUIET_ANSWER) && !o->verbose) o->quiet = 1;
    return 0;
}

/* ---------------------------------------------------------------------------
 * Settings: default < INI < environment < flags
 * ------------------------------------------------------------------------ */

int cli_load_settings(const struct cli_opts *o, struct settings *s, ri_err *e) {
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

/* Whose certificate a command presents (engine/tlsboot.h). */
static enum tls_role tls_role(const struct command *cmd, const struct cli_opts *o) {
    if (cmd->flags & TLS_AS_ROUTER) return TLS_ROUTER;
    if (cmd->flags & TLS_AS_CLIENT) return TLS_CLIENT;
    return o->kind == KIND_SENTINEL ? TLS_SENTINEL : TLS_SERVER;
}

/* Load what the command needs, run it, say how it failed. */
static int execute(const struct cli_opts *o) {
    const struct command *cmd = o->cmd;
    struct invocation inv = {o, NULL, NULL};
    ri_err e = {0};
    int rc = 0;
    log_init(o->prog, o->verbose ? LOG_DEBUG : o->quiet ? LOG_WARN : LOG_INFO);
    if (cmd->flags & (NEEDS_SETTINGS | NEEDS_SECRETS)) {
        inv.s = calloc(1, sizeof *inv.s);
        rc = inv.s ? cli_load_settings(o, inv.s, &e) : ri_fail(&e, EX_OSERR, "out of memory");
    }
    if (!rc && (cmd->flags & NEEDS_SECRETS)) rc = secrets_load(&inv.sec, inv.s->secrets_path, &e);
    if (!rc && (cmd->flags & LOGS_IN_BY_PHASE))
        role_login_secrets(inv.s, o->kind == KIND_SENTINEL, &inv.sec);
    if (!rc && (cmd->flags & USES_TLS))
        rc = tlsboot_start(inv.s, tls_role(cmd, o),
                           ((cmd->flags & CHECKS_TLS) ? TLSBOOT_CHECK : 0) |
                               ((cmd->flags & TLS_BACKGROUND) ? TLSBOOT_BACKGROUND : 0),
                           &e);
    if (!rc) rc = cmd->run(&inv, &e);
    if (rc && (cmd->flags & QUIET_ANSWER) && rc == EX_UNAVAILABLE) log_debug(e.msg, NULL);
    else if (rc) log_error(e.msg, "exit_code", log_int((char[24]){0}, rc), NULL);
    secrets_free(inv.sec);
    free(inv.s);
    return rc;
}

int cli_main(int argc, char **argv, enum ri_kind kind) {
    struct cli_opts o;
    int rc = cli_parse(argc, argv, cli_kind_from_argv0(argv[0], kind), &o);
    if (rc) return rc;
    if (o.cmd == &command_help || o.cmd == &command_version) {
        struct invocation inv = {&o, NULL, NULL};
        return o.cmd->run(&inv, NULL);
    }
    return execute(&o);
}
