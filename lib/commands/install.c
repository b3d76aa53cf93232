/* install.c: `install DIR`: seed a shared volume with this executable,
 * under both names.
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
#include "base/fsutil.h"
#include "base/log.h"
#include "commands/command.h"
#include "commands/help.h"

/* Larger than any build of ours (the sanitizer build is a few MiB). */
#define INSTALL_MAX_EXE (64u << 20)

static int run_install(struct invocation *inv, ri_err *e) {
    struct file_data exe;
    int rc = fs_read_file("/proc/self/exe", NULL, INSTALL_MAX_EXE, 0, &exe, e);
    if (rc) return ri_prefix(e, "install: cannot read this executable");
    struct out_file files[] = {
        {"redis-init", exe.data, exe.len, 0755},
        {"sentinel-init", exe.data, exe.len, 0755},
    };
    rc = fs_write_files(inv->o->dir, files, 2, e);
    size_t len = exe.len;
    fs_file_free(&exe);
    if (rc) return ri_prefix(e, "install");
    char bytes[24];
    log_info("installed", "dir", inv->o->dir, "files", "redis-init sentinel-init", "bytes",
             log_int(bytes, (long long)len), NULL);
    return 0;
}

static void usage(FILE *f, const struct cli_opts *o) {
    fprintf(
        f,
        "Usage: %s install DIR\n\n"
        "Copy this program into DIR as redis-init and sentinel-init (mode 0755,\n"
        "atomically: temp file, fsync, rename). For an init container whose image has\n"
        "no shell: DIR is the volume (an emptyDir) the Redis container mounts.\n"
        "Needs no settings and no secrets; running it again is harmless.\n"
        "Exit 73 when DIR is missing or not writable.\n\nOptions:\n"
        "  -v, --verbose            debug logging      -q, --quiet   warnings and errors only\n",
        o->prog);
}

const struct command command_install = {
    .name = "install",
    .run = run_install,
    .flags = TAKES_DIR,
    .summary = {"copy this program into DIR as redis-init and sentinel-init",
                "copy this program into DIR as redis-init and sentinel-init"},
    .usage = usage,
};
