/* help.h: the pieces of --help that several commands share. Each command's
 * own text is in its file, next to the command. */
#ifndef RI_HELP_H
#define RI_HELP_H

#include <stdio.h>

#include "commands/command.h"

/* -c -s -o [-d] -t --set -v -q: the options of every command that loads settings. */
void help_settings_options(FILE *f, const struct cli_opts *o);
/* The same without -d: the router, its check, Webdis and the exporter have
 * no data dir, whichever binary runs them. */
void help_app_settings_options(FILE *f);
/* --master / --replica-of, or --monitor. */
void help_override_options(FILE *f, const struct cli_opts *o);
/* --json --once --all. */
void help_report_options(FILE *f);
/* --readiness --liveness --startup. */
void help_health_options(FILE *f);
/* Identity, exit codes, logs, references. */
void help_footer(FILE *f);

#endif
