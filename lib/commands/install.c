/* cmd_install.c: seed a shared volume with this executable, under both names. */
#include "commands/command.h"

#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/log.h"

/* Larger than any build of ours (the sanitizer build is a few MiB). */
#define INSTALL_MAX_EXE (64u << 20)

enum ri_kind cli_kind_from_argv0(const char *argv0, enum ri_kind dflt) {
    if (!argv0) return dflt;
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    if (strcmp(base, "sentinel-init") == 0) return KIND_SENTINEL;
    if (strcmp(base, "redis-init") == 0) return KIND_REDIS;
    return dflt;
}

int cmd_install(const char *exe, const char *dir, ri_err *e) {
    char *data = NULL;
    size_t len = 0;
    int rc = fs_read_file(exe, INSTALL_MAX_EXE, &data, &len, e);
    if (rc) return ri_prefix(e, "install: cannot read this executable");
    struct out_file files[] = {
        {"redis-init", data, len, 0755},
        {"sentinel-init", data, len, 0755},
    };
    rc = fs_write_files(dir, files, 2, e);
    free(data);
    if (rc) return ri_prefix(e, "install");
    char bytes[24];
    log_info("installed", "dir", dir, "files", "redis-init sentinel-init", "bytes",
             log_int(bytes, (long long)len), NULL);
    return 0;
}

void cmd_install_usage(FILE *f, const char *prog) {
    fprintf(f, "Usage: %s install DIR\n\n"
               "Copy this program into DIR as redis-init and sentinel-init (mode 0755,\n"
               "atomically: temp file, fsync, rename). For an init container whose image has\n"
               "no shell: DIR is the volume (an emptyDir) the Redis container mounts.\n"
               "Needs no settings and no secrets; running it again is harmless.\n"
               "Exit 73 when DIR is missing or not writable.\n\nOptions:\n"
               "  -v, --verbose            debug logging      -q, --quiet   warnings and errors only\n",
            prog);
}
