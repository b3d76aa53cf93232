/* cmd_install.h: `install DIR`, and one executable under two names.
 *
 * redis-init and sentinel-init are one program: the name it runs under
 * (the basename of argv[0]) picks the tool. `install DIR` copies the running
 * executable (/proc/self/exe) into DIR as both redis-init and sentinel-init,
 * mode 0755, atomically (fs_write_files: temp files, fsync, rename, fsync
 * of DIR), so that an image without a shell can seed a shared volume (an
 * emptyDir) for the Redis container. Needs no settings and no secrets;
 * running it again replaces the files with identical ones.
 * Errors: EX_CANTCREAT (73) when DIR is missing, not a directory or not
 * writable, EX_NOINPUT (66) when the executable cannot be read, EX_IOERR.
 */
#ifndef RI_CMD_INSTALL_H
#define RI_CMD_INSTALL_H

#include <stdio.h>
#include "cli.h"
#include "err.h"

/* KIND_SENTINEL for ".../sentinel-init", KIND_REDIS for ".../redis-init",
 * else dflt (a renamed copy keeps the tool it was built as). */
enum ri_kind cli_kind_from_argv0(const char *argv0, enum ri_kind dflt);

/* Copy the executable at exe (normally "/proc/self/exe") into dir under
 * both names. */
int cmd_install(const char *exe, const char *dir, ri_err *e);

void cmd_install_usage(FILE *f, const char *prog);

#endif
