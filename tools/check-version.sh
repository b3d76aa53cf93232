#!/usr/bin/env bash
# check-version.sh [DIR]: the version is written once, in VERSION; every
# other place that must name it without reading that file agrees with it:
#   Dockerfile   ARG VERSION=<default> (a LABEL cannot read a file)
# Prints each mismatch as FILE:LINE: reason and exits 1; run by `make lint`.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
want=$(cat "$dir/VERSION")
rc=0
n=0
while IFS=: read -r line text; do
    n=$((n + 1))
    got=${text#ARG VERSION=}
    if [[ $got != "$want" ]]; then
        echo "Dockerfile:$line: ARG VERSION=$got, but VERSION says $want"
        rc=1
    fi
done < <(grep -n '^ARG VERSION=' "$dir/Dockerfile" || true)
if ((n != 1)); then
    echo "Dockerfile: want exactly one 'ARG VERSION=<default>' line (before the first FROM), found $n"
    rc=1
fi
((rc)) || echo "check-version: ok ($want)"
exit "$rc"
