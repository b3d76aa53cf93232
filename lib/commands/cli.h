/* cli.h: the command line shared by redis-init and sentinel-init.
 *
 *   PROG COMMAND [OPTIONS]      COMMAND: render | discover | run | check | prestop
 *                               (redis-init also: router | router-check | webdis)
 *   PROG install DIR            copy this program into DIR (lib/cmd_install.c)
 *   PROG --help | --version
 *
 * cli_parse() turns argv into options (exit 64 on misuse); cli_execute()
 * loads settings (default < INI < environment < flags) and secrets, then
 * carries out the command. run never returns on success: it execs Redis.
 */
#ifndef RI_CLI_H
#define RI_CLI_H

#include "config/settings.h"

enum ri_kind { KIND_REDIS = 0, KIND_SENTINEL };
enum ri_command { CMD_NONE = 0, CMD_RENDER, CMD_DISCOVER, CMD_RUN, CMD_CHECK, CMD_PRESTOP, CMD_HELP,
                  CMD_VERSION, CMD_ROUTER, CMD_ROUTER_CHECK, CMD_WEBDIS, CMD_INSTALL };

#define CLI_MAX_SETS 64

struct cli_opts {
    enum ri_kind kind;
    enum ri_command cmd;
    enum ri_command help_for;          /* COMMAND --help: help for that command */
    const char *prog;
    int verbose, quiet, json, once, all;
    int probe;                         /* check: enum probe_kind (0 = readiness) */
    int probe_set;                     /* check: a probe kind flag was given */
    int role_override;                 /* 0 none, 1 --master, 2 --replica-of / --monitor */
    const char *override_arg;          /* HOST[:PORT] */
    const char *install_dir;           /* install DIR */
    const char *config_path;           /* -c, else $REDIS_INIT_CONFIG */
    /* flags that map onto settings keys, applied last (highest precedence) */
    int n_sets;
    struct { const char *section, *key, *value, *flag; } sets[CLI_MAX_SETS];
    const char *set_args[CLI_MAX_SETS]; int n_set_args;   /* --set section.key=value */
};

int cli_parse(int argc, char **argv, enum ri_kind kind, struct cli_opts *o);
int cli_execute(struct cli_opts *o);

/* The whole program: parse, execute, print the error line; returns the exit code.
 * The name in argv[0] may pick the other kind (cli_kind_from_argv0). */
int cli_main(int argc, char **argv, enum ri_kind kind);

/* Split "HOST[:PORT]" or "[V6]:PORT"; port defaults to default_port. 0 or EX_USAGE. */
int cli_split_hostport(const char *arg, int default_port, char *host, size_t hostlen, int *port);

#endif
