/* exporter.c: the agent module beside the redis_exporter sidecar
 * (`exporter --run`; docs/credentials.md "The router, Webdis and the
 * exporter").
 *
 * redis_exporter 1.45 reads its password file at start only. The pod's
 * server or sentinel agent writes that file again in phase use of a live
 * rotation (engine/creds_roll.c), when every member accepts the new
 * password. Every EXPORTER_MS this module hashes the file; a new content,
 * read twice the same, has the init restart the exporter on it. A file
 * that cannot be read (not written yet, or being replaced) changes
 * nothing. Errors are logged, never fatal to the exporter. */
#include "engine/exporter.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/fsutil.h"
#include "base/log.h"

#define EXPORTER_MS 1000

struct follow {
    char path[PATH_MAX];
    unsigned char applied[32];
    int have_applied;
    struct fs_settle pending; /* a new content, counted when read twice */
};

static int file_hash(const struct follow *f, unsigned char out[32]) {
    const char *files[1] = {f->path};
    return fs_files_hash(files, 1, out);
}

static int exporter_start(const struct agent_ctx *ctx, void **state) {
    ri_err e = {0};
    if (ctx->cfg->app != APP_EXPORTER) return 1;
    struct follow *f = calloc(1, sizeof *f);
    if (!f) return 1;
    if (fs_join(f->path, sizeof f->path, ctx->cfg->s->exporter_dir, EXPORTER_FILE, &e)) {
        log_error("exporter: cannot follow the password file", "error", e.msg, NULL);
        free(f);
        return 1;
    }
    f->have_applied = !file_hash(f, f->applied);
    *state = f;
    return 0;
}

static int exporter_tick(const struct agent_ctx *ctx, void *state) {
    struct follow *f = state;
    unsigned char h[32];
    if (file_hash(f, h)) return EXPORTER_MS; /* not there yet, or being replaced */
    if (f->have_applied && !memcmp(h, f->applied, 32)) {
        f->pending.have = 0;
        return EXPORTER_MS;
    }
    if (!fs_settled(&f->pending, h)) return EXPORTER_MS; /* read it once more */
    memcpy(f->applied, h, 32);
    f->have_applied = 1, f->pending.have = 0;
    log_info("exporter: its password file changed; restarting it on the new password (it "
             "reads the file at start only)",
             "file", f->path, NULL);
    ctx->restart(ctx->owner);
    return EXPORTER_MS;
}

static void exporter_stop(void *state) { free(state); }

const struct agent_module agent_exporter = {
    .name = "exporter",
    .start = exporter_start,
    .tick = exporter_tick,
    .stop = exporter_stop,
};
