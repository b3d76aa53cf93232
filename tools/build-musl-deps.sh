#!/usr/bin/env bash
# build-musl-deps.sh OUT: the libraries `make static` links, built for musl.
#
# Debian's libhiredis.a and libjansson.a are compiled with glibc's
# _FORTIFY_SOURCE (__snprintf_chk ...) and do not link with musl-gcc, so
# hiredis and jansson are rebuilt here from their Debian source packages
# (`apt-get source`, Debian's patches applied) with CC=musl-gcc. Debian's
# libinih.a has no glibc-only symbols and is used as it is.
#
# Result, under OUT (a folder the build ignores, e.g. build/musl):
#   prefix/include/{hiredis/*.h,jansson*.h,ini.h}
#   prefix/lib/{libhiredis,libjansson,libinih}.a
#   licenses/{musl,hiredis,jansson,inih}.txt    shipped in the image
#
# Needs root the first time (a deb-src sources file + apt-get update), and
# the packages musl-tools dpkg-dev cmake libinih-dev (tools/install-deps.sh).
# Idempotent: a stamp naming this script's checksum skips a finished build.
# The Dockerfile's build stage runs this very script.
set -euo pipefail

out=${1:?usage: build-musl-deps.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
prefix=$out/prefix
src=$out/src
stamp=$out/.stamp
self_sum=$(sha256sum "$0" | cut -d' ' -f1)
CC=${MUSL_CC:-musl-gcc}
log() { printf '[musl-deps] %s\n' "$*" >&2; }
unset MAKEFLAGS MFLAGS MAKELEVEL   # our own make -j, not the caller's jobserver

if [[ -f $stamp && $(cat "$stamp") == "$self_sum" ]]; then
    exit 0
fi
command -v "$CC" >/dev/null || { log "$CC not found (Debian package musl-tools)"; exit 1; }

# ---------------------------------------------------------------- sources

# apt-get source needs deb-src entries. Ours mirror the machine's own deb
# entries (same URIs, suites, components, keys) in separate files, so the
# host's sources are never edited; rewritten only when they would change.
srclist=/etc/apt/sources.list.d/redis-init-deb-src
deb_src_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -e $f && $f != "$srclist.sources" ]] || continue
        # deb822: keep each stanza whose Types has "deb", as Types: deb-src.
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             {
                 keep = 0; n = split($0, lines, "\n"); s = ""
                 for (i = 1; i <= n; i++) {
                     if (lines[i] ~ /^[Tt]ypes:/) {
                         if (lines[i] ~ /[ \t]deb([ \t]|$)/) keep = 1
                         lines[i] = "Types: deb-src"
                     }
                     if (lines[i] !~ /^#/) s = s lines[i] "\n"
                 }
                 if (keep) printf "%s\n", s
             }' "$f"
    done
}
deb_src_list() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -e $f && $f != "$srclist.list" ]] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
    done
}
write_if_changed() {   # FILE CONTENT: 0 if written, 1 if already so (or empty)
    local file=$1 content=$2
    if [[ -z $content ]]; then
        [[ -e $file ]] && rm -f "$file" && return 0
        return 1
    fi
    [[ -f $file && $(cat "$file") == "$content" ]] && return 1
    printf '%s\n' "$content" > "$file.tmp" && mv "$file.tmp" "$file"
}

mkdir -p "$src"
if ! (cd "$src" && apt-get source -qq --print-uris hiredis jansson >/dev/null 2>&1); then
    changed=0
    write_if_changed "$srclist.sources" "$(deb_src_sources)" && changed=1
    write_if_changed "$srclist.list" "$(deb_src_list)" && changed=1
    log "deb-src entries in $srclist.* (changed: $changed); apt-get update"
    apt-get update -qq -o DPkg::Lock::Timeout=300
fi

fetch() {  # PKG: unpack the Debian source package once, print its dir
    local pkg=$1 dir
    dir=$(find "$src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -1)
    if [[ -z $dir ]]; then
        log "apt-get source $pkg"
        (cd "$src" && apt-get source -qq "$pkg" >/dev/null 2>"$src/$pkg.log") ||
            { cat "$src/$pkg.log" >&2; exit 1; }
        dir=$(find "$src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -1)
    fi
    [[ -n $dir ]] || { log "apt-get source $pkg left no $pkg-* directory"; exit 1; }
    printf '%s' "$dir"
}
hiredis_dir=$(fetch hiredis)
jansson_dir=$(fetch jansson)

# ---------------------------------------------------------------- build

rm -rf "$prefix" "$out/licenses"
mkdir -p "$prefix/include/hiredis" "$prefix/lib" "$out/licenses"
jobs=$(nproc 2>/dev/null || echo 2)
# Small code: the binaries are linked with --gc-sections and stripped.
opt="-Os -ffunction-sections -fdata-sections"

log "hiredis ($(basename "$hiredis_dir")) with $CC"
make -s -C "$hiredis_dir" clean >/dev/null
make -s -C "$hiredis_dir" -j"$jobs" CC="$CC" OPTIMIZATION="$opt" DEBUG= static >/dev/null
cp "$hiredis_dir/libhiredis.a" "$prefix/lib/"
# The headers its own install target installs (alloc.h is a Debian patch).
for h in hiredis.h async.h read.h sds.h alloc.h; do
    [[ -e $hiredis_dir/$h ]] && cp "$hiredis_dir/$h" "$prefix/include/hiredis/"
done
cp "$hiredis_dir/COPYING" "$out/licenses/hiredis.txt"

log "jansson ($(basename "$jansson_dir")) with $CC"
jb=$out/jansson-build
rm -rf "$jb" && mkdir -p "$jb"
# The Debian source has no generated configure; CMake is its other build.
cmake -S "$jansson_dir" -B "$jb" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_C_FLAGS="$opt" -DCMAKE_INSTALL_PREFIX="$prefix" -DJANSSON_BUILD_SHARED_LIBS=OFF \
    -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON >/dev/null
make -s -C "$jb" -j"$jobs" >/dev/null
make -s -C "$jb" install >/dev/null
rm -f "$prefix"/lib/*.la
rm -rf "$prefix/lib/pkgconfig" "$prefix/lib/cmake"
cp "$jansson_dir/LICENSE" "$out/licenses/jansson.txt"

# inih: Debian's static library links with musl as it is. Its header is
# copied because musl-gcc does not search /usr/include (glibc's headers).
inih_a=$(dpkg -L libinih-dev | grep '/libinih\.a$' | head -1)
[[ -n $inih_a ]] || { log "libinih.a not found (Debian package libinih-dev)"; exit 1; }
cp "$inih_a" "$prefix/lib/"
cp /usr/include/ini.h "$prefix/include/"
cp /usr/share/doc/libinih-dev/copyright "$out/licenses/inih.txt"
cp /usr/share/doc/musl/copyright "$out/licenses/musl.txt"

printf '%s\n' "$self_sum" > "$stamp"
log "done: $(cd "$prefix/lib" && echo *.a)"
