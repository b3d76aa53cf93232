/* cli.h: the command line shared by redis-init and sentinel-init.
 *
 *   PROG COMMAND [OPTIONS]      COMMAND: one of the table in cli.c
 *   PROG --help | --version     (help and version are commands too)
 *
 * cli_parse() turns argv into options (exit 64 on misuse: an unknown
 * command, or an option the command does not take); cli_main() runs the
 * whole program: parse, load what the command needs, run it, print its
 * error as one line, and return the exit code.
 */
#ifndef RI_CLI_H
#define RI_CLI_H

#include "commands/command.h"

int cli_parse(int argc, char **argv, enum ri_kind kind, struct cli_opts *o);

/* The settings as the command line o gives them: default < INI < the
 * environment < flags, finished (settings_finish). The agent reads them
 * again this way to follow [acl] user lines live. */
int cli_load_settings(const struct cli_opts *o, struct settings *s, ri_err *e);

/* The name in argv[0] may pick the other kind (cli_kind_from_argv0). */
int cli_main(int argc, char **argv, enum ri_kind kind);

/* KIND_SENTINEL for ".../sentinel-init", KIND_REDIS for ".../redis-init",
 * else dflt (a renamed copy keeps the tool it was built as). */
enum ri_kind cli_kind_from_argv0(const char *argv0, enum ri_kind dflt);

/* A command by name (the table's), or NULL. */
const struct command *cli_find(const char *name);

#endif
