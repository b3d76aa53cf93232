#!/usr/bin/env bash
# check-layers.sh [ROOT]: the one-way dependency rule of lib/ (docs/architecture.md).
#
#   commands -> agent -> engine -> {rules, net, config} -> model -> base
#
# A file in lib/F/ may include a header of its own folder F or of a folder on
# a lower level; never one of a higher level (a climb), nor one of another
# folder on its own level (a crossing). Every include of a lib header names
# its folder ("rules/decide.h"). No include cycle: a .c file and its .h are
# one node, and the graph of nodes must have no cycle. cmd/*/main.c includes
# commands/ only. Third-party headers belong to the layers that speak them:
# hiredis and OpenSSL to net/, inih to config/, jansson to config/ and engine/.
#
# Prints every offending line as FILE:LINE: #include "X": why, and exits 1
# when there is one; 0 and a one-line summary otherwise. Run by `make lint`
# (part of `make unit`); test/lint/test_check_layers.sh plants violations.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

declare -A level=([base]=0 [model]=1 [config]=2 [net]=2 [rules]=2 [engine]=3 [agent]=4 [commands]=5)
declare -A third=([hiredis]="net" [openssl]="net" [ini.h]="config" [jansson.h]="config engine")
declare -A edges=()
bad=0 files=0 includes=0

say() { printf '%s\n' "$*"; bad=$((bad + 1)); }

check_file() {
    local file=$1 folder=$2 ln line inc dir want have
    files=$((files + 1))
    # Only the include lines, with their numbers (grep: a bash loop over
    # every line of every file took seconds).
    while IFS=: read -r ln line; do
        [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*([\"\<])([^\"\>]+)[\"\>] ]] || continue
        inc=${BASH_REMATCH[2]}
        includes=$((includes + 1))
        if [[ ${BASH_REMATCH[1]} == '<' ]]; then
            local key=${inc%%/*}
            [[ -n ${third[$key]:-} ]] || continue
            [[ " ${third[$key]} " == *" $folder "* ]] ||
                say "$file:$ln: #include <$inc>: $key is spoken by ${third[$key]// /, }/ only"
            continue
        fi
        [[ $folder == cmd ]] && {
            [[ $inc == commands/* ]] || say "$file:$ln: #include \"$inc\": cmd/ includes commands/ only"
            continue
        }
        dir=${inc%%/*}
        if [[ $inc != */* ]]; then
            [[ $inc == templates_gen.h ]] && continue
            say "$file:$ln: #include \"$inc\": name the header's folder (\"<folder>/$inc\")"
            continue
        fi
        if [[ -z ${level[$dir]:-} ]]; then
            say "$file:$ln: #include \"$inc\": $dir/ is not a folder of lib/"
            continue
        fi
        [[ -f lib/$inc ]] || { say "$file:$ln: #include \"$inc\": no such header in lib/"; continue; }
        want=${level[$dir]} have=${level[$folder]}
        if [[ $dir != "$folder" ]]; then
            if ((want > have)); then
                say "$file:$ln: #include \"$inc\": climbs from $folder/ (level $have) to $dir/ (level $want)"
                continue
            elif ((want == have)); then
                say "$file:$ln: #include \"$inc\": crosses from $folder/ to $dir/, a folder on the same level ($have)"
                continue
            fi
        fi
        local from=${file%.[ch]} to=lib/${inc%.[ch]}
        [[ $from == "$to" ]] || edges[$from]+=" $to"
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file")
}

for f in lib/*/*.[ch]; do
    [[ -e $f ]] || continue
    folder=${f#lib/}
    folder=${folder%%/*}
    if [[ -z ${level[$folder]:-} ]]; then
        say "$f: lib/$folder/ is not a layer (docs/architecture.md names them)"
        continue
    fi
    check_file "$f" "$folder"
done
for f in cmd/*/*.c; do [[ -e $f ]] && check_file "$f" cmd; done

# Cycles: a depth-first search; a back edge to a node still on the path closes one.
declare -A color=()
path=()
visit() {
    local n=$1 m i cyc
    color[$n]=grey
    path+=("$n")
    for m in ${edges[$n]:-}; do
        if [[ ${color[$m]:-} == grey ]]; then
            cyc=
            for ((i = 0; i < ${#path[@]}; i++)); do
                [[ -n $cyc || ${path[i]} == "$m" ]] && cyc+="${path[i]} -> "
            done
            say "include cycle: ${cyc}$m"
        elif [[ -z ${color[$m]:-} ]]; then
            visit "$m"
        fi
    done
    unset 'path[${#path[@]}-1]'
    color[$n]=black
}
for n in $(printf '%s\n' "${!edges[@]}" | sort); do
    [[ -z ${color[$n]:-} ]] && visit "$n"
done

if ((bad)); then
    printf 'check-layers: %d violation(s) in %d files\n' "$bad" "$files" >&2
    exit 1
fi
printf 'check-layers: ok (%d files, %d includes; commands -> agent -> engine -> {rules, net, config} -> model -> base)\n' \
    "$files" "$includes"
