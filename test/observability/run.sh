#!/usr/bin/env bash
# The alert rules (observability/rules.yml) with Prometheus's promtool:
# `check rules`, then `test rules` (rules_test.yml: a firing and a quiet
# case per alert, the `for:` boundaries, two clusters at once). Part of
# make unit: promtool runs in a second, no server needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PROMTOOL=${PROMTOOL:-${DK_CACHE:-/var/cache/redis-init-test}/prometheus/usr/bin/promtool}
[[ -x $PROMTOOL ]] || { echo "rules: promtool missing: $PROMTOOL (tools/install-deps.sh unpacks Debian's prometheus)"; exit 1; }
out=$("$PROMTOOL" check rules "$repo/observability/rules.yml" 2>&1) || { echo "$out"; exit 1; }
n=$(grep -o '[0-9]* rules found' <<<"$out")
alerts=$(grep -c '^      - alert: ' "$repo/observability/rules.yml")
tested=$(grep -o 'alertname: [A-Za-z]*' "$here/rules_test.yml" | sort -u | wc -l)
# Every alert has a case.
if ((tested != alerts)); then
    echo "rules: $alerts alerts, but rules_test.yml tests $tested:"
    diff <(grep -o 'alert: [A-Za-z]*' "$repo/observability/rules.yml" | cut -d' ' -f2 | sort) \
        <(grep -o 'alertname: [A-Za-z]*' "$here/rules_test.yml" | cut -d' ' -f2 | sort -u)
    exit 1
fi
out=$(cd "$here" && "$PROMTOOL" test rules rules_test.yml 2>&1) || { echo "$out"; exit 1; }
echo "rules: ok ($n, every alert tested by promtool test rules)"
