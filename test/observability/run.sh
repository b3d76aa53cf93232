#!/usr/bin/env bash
# The alert rules (observability/rules.yml) with Prometheus's promtool:
# `check rules`, then `test rules` (rules_test.yml: a firing and a quiet
# case per alert, the `for:` boundaries, two clusters at once). Part of
# make unit: promtool runs in a second, no server needed. The dashboard's
# queries (observability/dashboard.json) are parsed the same way, as
# recording rules, and each selects one cluster; test_observability runs
# them against a live Prometheus.
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

dash=$repo/observability/dashboard.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -e '.uid and .title and (.templating.list | map(.name) | index("cluster"))' "$dash" >/dev/null ||
    { echo "dashboard: not a dashboard with a cluster variable: $dash"; exit 1; }
unscoped=$(jq -r '.. | .expr? // empty | select(test("[{][^}]*[}]") and ([scan("[{][^}]*[}]")] | any(test("cluster=\"[$]cluster\"") | not)))' "$dash")
[[ -z $unscoped ]] || { printf 'dashboard: a selector without cluster="$cluster":\n%s\n' "$unscoped"; exit 1; }
jq -r '[.. | .expr? // empty] | {groups: [{name: "dashboard", rules: [to_entries[] | {record: "dashboard_query_\(.key)", expr: (.value | gsub("[$]cluster"; "c") | gsub("[$]__rate_interval"; "1m"))}]}]}' \
    "$dash" >"$tmp/dashboard-rules.json"
out=$("$PROMTOOL" check rules "$tmp/dashboard-rules.json" 2>&1) || { echo "dashboard: a query does not parse:"; echo "$out"; exit 1; }
echo "dashboard: ok ($(jq '[.. | .expr? // empty] | length' "$dash") queries parse, each scoped to \$cluster)"
