/* sentinel-init: find the master, write sentinel.conf and users.acl, and
 * (run) start redis-sentinel. Everything lives in lib/; commands/cli.h is
 * the way in. */
#include "commands/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, KIND_SENTINEL); }
