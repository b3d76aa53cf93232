#!/usr/bin/env bash
# image-bins.sh OUT: the static binary the image ships, taken out of it into
# OUT (redis-init, and sentinel-init as a hard link, as `make static` lays
# them out), so that `make test` runs the static suites on the very file
# users get. The image is ./Dockerfile's of the files as they are now
# (dk_our_image): built here on a fresh machine, and the image suites after
# this load that build instead of making it again; so make test compiles
# the musl OpenSSL once, in the image, and not a second time on the host.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: image-bins.sh OUT}
IMAGE=redis-init:$(cat "$DK_REPO_DIR/VERSION")

dk_engine_start
dk_base_image debian:bookworm bookworm
dk_our_image "$IMAGE"
id=$(dk create "$IMAGE")
rm -rf "$out" && mkdir -p "$out"
dk cp "$id:/usr/local/bin/redis-init" "$out/redis-init"
dk rm "$id" >/dev/null
ln -f "$out/redis-init" "$out/sentinel-init"
dk_log "the image's binary: $out/redis-init ($(stat -c %s "$out/redis-init") bytes)"
