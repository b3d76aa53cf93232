#!/usr/bin/env bash
# check-size.sh [ROOT]: no file of lib/ over 600 lines, no function of lib/
# or cmd/ over 80. A function is counted from the line that opens its body
# (a top-level line ending in ") {" or a "{" alone in column 0) to the "}"
# in column 0 that closes it; the layout is clang-format's (.clang-format).
# Prints each offender as FILE:LINE: what, and exits 1 when there is one.
# Run by `make lint` (part of `make unit`).
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
MAX_FILE=${MAX_FILE_LINES:-600}
MAX_FN=${MAX_FUNCTION_LINES:-80}
bad=0 files=0 fns=0 longest=0 where=

for f in lib/*/*.[ch] cmd/*/*.c; do
    [[ -e $f ]] || continue
    files=$((files + 1))
    n=$(wc -l <"$f")
    if ((n > MAX_FILE)); then
        echo "$f: $n lines, more than $MAX_FILE"
        bad=$((bad + 1))
    fi
    [[ $f == *.c ]] || continue
    while IFS=$'\t' read -r line len name; do
        fns=$((fns + 1))
        ((len > longest)) && longest=$len where="$f:$line ($name)"
        if ((len > MAX_FN)); then
            echo "$f:$line: function $name is $len lines, more than $MAX_FN"
            bad=$((bad + 1))
        fi
    done < <(awk '
        # A function body opens at a top-level line ending in ") {" (the
        # signature may span lines: its first line starts in column 0), or
        # at a lone "{" after the signature.
        depth == 0 && /^[A-Za-z_]/ { head = $0; headline = NR }
        depth == 0 && /\)[ \t]*\{[ \t]*$/ && !/=/ { start = NR; depth = 1; next }
        depth == 0 && /^\{[ \t]*$/ && prev ~ /\)[ \t]*$/ { start = NR; depth = 1; next }
        depth > 0 {
            line = $0
            gsub(/"([^"\\]|\\.)*"/, "", line); gsub(/'"'"'([^'"'"'\\]|\\.)*'"'"'/, "", line)
            depth += gsub(/\{/, "{", line) - gsub(/\}/, "}", line)
            if (depth == 0) {
                name = head; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
                printf "%d\t%d\t%s\n", headline, NR - start - 1, name
            }
        }
        { prev = $0 }' "$f")
done

if ((bad)); then
    printf 'check-size: %d offender(s)\n' "$bad" >&2
    exit 1
fi
printf 'check-size: ok (%d files of at most %d lines, %d functions of at most %d; the longest: %s, %d)\n' \
    "$files" "$MAX_FILE" "$fns" "$MAX_FN" "$where" "$longest"
