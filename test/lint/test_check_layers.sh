#!/usr/bin/env bash
# test_check_layers.sh: the lint tools must fail on what they exist to
# catch. Each case plants one violation in a copy of lib/ and cmd/ and
# asserts that tools/check-layers.sh (or check-size.sh) exits 1 and prints
# the offending file, line and reason; the untouched copy must pass.
# Run by `make lint`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/assert.sh
. "$repo/test/lib/assert.sh"
tmp=$(mktemp -d /tmp/ri-lint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fresh() {
    rm -rf "$tmp/tree" && mkdir -p "$tmp/tree" && cp -r "$repo/lib" "$repo/cmd" "$tmp/tree/"
}
# plant FILE LINE: append LINE to FILE of the copy; prints its line number
plant() {
    printf '%s\n' "$2" >>"$tmp/tree/$1"
    wc -l <"$tmp/tree/$1"
}
# expect_reject WHAT TOOL WANT: TOOL on the copy exits 1 and prints WANT
expect_reject() {
    local what=$1 tool=$2 want=$3 out rc=0
    out=$("$repo/tools/$tool" "$tmp/tree" 2>&1) || rc=$?
    if ((rc == 1)) && grep -qF -- "$want" <<<"$out"; then
        ok "$what: rejected ($(grep -F -- "$want" <<<"$out" | head -1))"
    else
        fail "$what: exit $rc, want 1 and \"$want\"; got: $(head -3 <<<"$out")"
    fi
}

fresh
check "the tree as it is passes check-layers" "$repo/tools/check-layers.sh" "$tmp/tree"
check "the tree as it is passes check-size" "$repo/tools/check-size.sh" "$tmp/tree"

fresh; n=$(plant lib/base/log.c '#include "engine/boot.h"')
expect_reject "an include that climbs" check-layers.sh \
    "lib/base/log.c:$n: #include \"engine/boot.h\": climbs from base/ (level 0) to engine/ (level 3)"

fresh; n=$(plant lib/net/dns.c '#include "config/settings.h"')
expect_reject "an include that crosses a level" check-layers.sh \
    "lib/net/dns.c:$n: #include \"config/settings.h\": crosses from net/ to config/"

fresh; n=$(plant lib/rules/explain.h '#include "rules/tally.h"')
expect_reject "an include that closes a cycle" check-layers.sh "include cycle: lib/rules/"

fresh; n=$(plant lib/model/history.c '#include "log.h"')
expect_reject "an include without its folder" check-layers.sh \
    "lib/model/history.c:$n: #include \"log.h\": name the header's folder"

fresh; n=$(plant lib/rules/decide.c '#include <hiredis/hiredis.h>')
expect_reject "a third-party header in the wrong layer" check-layers.sh \
    "lib/rules/decide.c:$n: #include <hiredis/hiredis.h>: hiredis is spoken by net/ only"

fresh; n=$(plant cmd/redis-init/main.c '#include "engine/boot.h"')
expect_reject "cmd/ reaching past commands/" check-layers.sh \
    "cmd/redis-init/main.c:$n: #include \"engine/boot.h\": cmd/ includes commands/ only"

fresh; mkdir -p "$tmp/tree/lib/misc" && echo '/* x */' >"$tmp/tree/lib/misc/x.c"
expect_reject "a folder that is no layer" check-layers.sh "lib/misc/x.c: lib/misc/ is not a layer"

fresh; for _ in $(seq 1 601); do echo '/* padding */'; done >"$tmp/tree/lib/base/long.h"
expect_reject "a file over 600 lines" check-size.sh "lib/base/long.h: 601 lines, more than 600"

fresh
{
    echo 'int too_long(int x) {'
    for _ in $(seq 1 81); do echo '    x++;'; done
    echo '    return x;'
    echo '}'
} >>"$tmp/tree/lib/base/clock.c"
n=$(($(wc -l <"$tmp/tree/lib/base/clock.c") - 83))
expect_reject "a function over 80 lines" check-size.sh \
    "lib/base/clock.c:$n: function too_long is 82 lines, more than 80"

# The version, written once (tools/check-version.sh).
vfresh() { rm -rf "$tmp/v" && mkdir -p "$tmp/v" && cp "$repo/VERSION" "$repo/Dockerfile" "$tmp/v/"; }
vfresh
check "the Dockerfile's default VERSION is the VERSION file's" "$repo/tools/check-version.sh" "$tmp/v"
vfresh; echo 9.9.9 >"$tmp/v/VERSION"
n=$(grep -n '^ARG VERSION=' "$tmp/v/Dockerfile" | cut -d: -f1)
out=$("$repo/tools/check-version.sh" "$tmp/v" 2>&1) && rc=0 || rc=$?
check "a VERSION file the Dockerfile does not name: rejected ($out)" \
    test "$rc:$out" = "1:Dockerfile:$n: ARG VERSION=$(cat "$repo/VERSION"), but VERSION says 9.9.9"
vfresh; sed -i '/^ARG VERSION=/d' "$tmp/v/Dockerfile"
out=$("$repo/tools/check-version.sh" "$tmp/v" 2>&1) && rc=0 || rc=$?
check "a Dockerfile without a default VERSION: rejected" test "$rc" = 1 -a -n "$out"

summary lint
