/* redis-init: decide this pod's role, write redis.conf and users.acl, and
 * (run) start redis-server. Everything lives in lib/; commands/cli.h is the
 * way in. */
#include "commands/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, KIND_REDIS); }
