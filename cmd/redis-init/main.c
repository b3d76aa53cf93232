/* redis-init: decide this pod's role, write redis.conf and users.acl, and
 * (run) exec redis-server. Everything lives in lib/; see lib/cli.h. */
#include "commands/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, KIND_REDIS); }
