#!/usr/bin/env bash
# engine.sh start | stop DIR: one private Docker engine (test/docker/lib.sh)
# for several suites. `start` launches it and prints its folder; suites
# run with DK_SHARED=<that folder> use it instead of starting their own,
# and remove only what they made. `stop DIR` stops it and removes DIR.
# make test brackets its steps with these, so the base images are imported,
# the stand-ins tagged and our image built (with its layer cache) once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case ${1:-} in
start)
    dir=$(mktemp -d /tmp/ri-dke.XXXXXX)
    # On any failure before the folder is printed, nothing is left running.
    trap 'DK_ENGINE=$dir dk_engine_stop' EXIT
    dk_engine_launch "$dir" >&2
    trap - EXIT
    echo "$dir"
    ;;
stop)
    DK_ENGINE=${2:?usage: engine.sh stop DIR}
    [[ $DK_ENGINE == /tmp/ri-dke.* ]] || die "engine.sh stop: $DK_ENGINE is not an engine folder of engine.sh"
    DK_DOCKERD_PID=
    set +e # every step of the stop runs, whatever failed before it
    dk_engine_stop
    ;;
*) echo "usage: engine.sh start | stop DIR" >&2; exit 64 ;;
esac
