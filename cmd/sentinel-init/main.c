/* sentinel-init: find the master, write sentinel.conf and users.acl, and
 * (run) exec redis-sentinel. Everything lives in lib/; see lib/cli.h. */
#include "commands/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, KIND_SENTINEL); }
