#!/usr/bin/env bash
# build-deps.sh MODE OUT: the libraries the build links that Debian
# bookworm does not ship as we need them, built from Debian source packages
# (`apt-get source`, Debian's patches applied).
#
#   glibc   hiredis 1.2 with libhiredis_ssl (trixie's source package:
#           bookworm's 0.14 has no TLS), against the system's libssl.
#           The default build, the sanitizer build and the fuzzers link it.
#   musl    everything `make static` links, with CC=musl-gcc: OpenSSL 3
#           (bookworm's source, the stack the servers use; trimmed: no
#           engines, no legacy provider, no DSO, no tests, no apps),
#           mimalloc (bookworm's) as the allocator,
#           hiredis 1.2 with TLS against it, jansson (Debian's libjansson.a
#           is built with glibc's _FORTIFY_SOURCE and does not link with
#           musl), and Debian's libinih.a as it is.
#
# Result, under OUT (a folder the build ignores: build/deps, build/musl):
#   prefix/include/{hiredis/*.h,openssl/*.h,jansson*.h,ini.h}
#   prefix/lib/{libhiredis,libhiredis_ssl,libssl,libcrypto,libjansson,libinih}.a
#   prefix/lib/mimalloc.o   (musl) linked first: malloc and friends
#   licenses/*.txt      (musl) the texts the image ships
#
# Needs root the first time (deb-src sources files + apt-get update), and
# the packages build-essential libssl-dev (glibc) or musl-tools cmake
# libinih-dev (musl) (tools/install-deps.sh). Idempotent: a stamp naming
# this script's checksum and MODE skips a finished build. The Dockerfile's
# build stage runs this very script (make static).
set -euo pipefail

mode=${1:?usage: build-deps.sh glibc|musl OUT}
out=${2:?usage: build-deps.sh glibc|musl OUT}
case $mode in glibc | musl) ;; *) echo "build-deps.sh: mode must be glibc or musl" >&2; exit 64 ;; esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
prefix=$out/prefix
src=$out/src
stamp=$out/.stamp
self_sum="$(sha256sum "$0" | cut -d' ' -f1) $mode"
if [[ $mode == musl ]]; then CC=${MUSL_CC:-musl-gcc}; else CC=${CC:-cc}; fi
log() { printf '[deps %s] %s\n' "$mode" "$*" >&2; }
unset MAKEFLAGS MFLAGS MAKELEVEL   # our own make -j, not the caller's jobserver

if [[ -f $stamp && $(cat "$stamp") == "$self_sum" ]]; then
    exit 0
fi
command -v "$CC" >/dev/null || { log "$CC not found (Debian package musl-tools)"; exit 1; }

# ---------------------------------------------------------------- sources

# apt-get source needs deb-src entries. Ours mirror the machine's own deb
# entries (same URIs, suites, components, keys) in separate files, so the
# host's sources are never edited; rewritten only when they would change.
# The main archive's entry is also mirrored for trixie (main only), whose
# hiredis 1.2 we build: deb-src entries never change what apt installs.
srclist=/etc/apt/sources.list.d/redis-init-deb-src
deb_src_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -e $f && $f != "$srclist.sources" ]] || continue
        # deb822: keep each stanza whose Types has "deb", as Types: deb-src;
        # a stanza naming the suite bookworm again as trixie.
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             {
                 keep = 0; main = 0; n = split($0, lines, "\n"); s = ""; t = ""
                 for (i = 1; i <= n; i++) {
                     if (lines[i] ~ /^[Tt]ypes:/) {
                         if (lines[i] ~ /[ \t]deb([ \t]|$)/) keep = 1
                         lines[i] = "Types: deb-src"
                     }
                     if (lines[i] ~ /^[Ss]uites:/ && lines[i] ~ /[ \t]bookworm([ \t]|$)/) main = 1
                     if (lines[i] ~ /^#/) continue
                     s = s lines[i] "\n"
                     if (lines[i] ~ /^[Ss]uites:/) t = t "Suites: trixie\n"
                     else if (lines[i] ~ /^[Cc]omponents:/) t = t "Components: main\n"
                     else t = t lines[i] "\n"
                 }
                 if (keep) printf "%s\n", s
                 if (keep && main) printf "%s\n", t
             }' "$f"
    done
}
deb_src_list() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -e $f && $f != "$srclist.list" ]] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
        sed -n 's/^[[:space:]]*deb[[:space:]]\(.*[[:space:]]\)bookworm[[:space:]].*/deb-src \1trixie main/p' "$f"
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

# Each package from a named release, so that a machine with more deb-src
# entries still builds the same sources.
if [[ $mode == musl ]]; then
    packages=(hiredis/trixie openssl/bookworm jansson/bookworm)
else
    packages=(hiredis/trixie)
fi
mkdir -p "$src"
if ! (cd "$src" && apt-get source -qq --print-uris "${packages[@]}" >/dev/null 2>&1); then
    changed=0
    write_if_changed "$srclist.sources" "$(deb_src_sources)" && changed=1
    write_if_changed "$srclist.list" "$(deb_src_list)" && changed=1
    log "deb-src entries in $srclist.* (changed: $changed); apt-get update"
    apt-get update -qq -o DPkg::Lock::Timeout=300
fi

fetch() {  # PKG/RELEASE: unpack that Debian source package once, print its dir
    local pkg=${1%/*} dsc ver dir
    # --print-uris leaves out files already in the current directory: ask from /.
    dsc=$(cd / && apt-get source -qq --print-uris "$1" | grep -o "${pkg}_[^ ]*\.dsc" | head -1)
    ver=${dsc#"${pkg}_"}; ver=${ver%.dsc}; ver=${ver#*:}; ver=${ver%-*}
    ver=$(printf '%b' "${ver//%/\\x}")   # the URI's escapes: 2.0.9%2bds is 2.0.9+ds
    [[ -n $ver ]] || { log "apt-get source $1: no version"; exit 1; }
    dir=$src/$pkg-$ver
    if [[ ! -d $dir ]]; then
        log "apt-get source $1 ($ver)"
        (cd "$src" && apt-get source -qq "$1" >/dev/null 2>"$src/$pkg.log") ||
            { cat "$src/$pkg.log" >&2; exit 1; }
        [[ -d $dir ]] || { log "apt-get source $1 left no $dir"; exit 1; }
    fi
    printf '%s' "$dir"
}

# ---------------------------------------------------------------- build

rm -rf "$prefix" "$out/licenses"
mkdir -p "$prefix/include/hiredis" "$prefix/lib" "$out/licenses"
jobs=$(nproc 2>/dev/null || echo 2)
# Small code: the binaries are linked with --gc-sections and stripped.
opt="-Os -ffunction-sections -fdata-sections"
if [[ $mode == glibc ]]; then opt="-O2 -g"; fi

if [[ $mode == musl ]]; then
    openssl_dir=$(fetch openssl/bookworm)
    # What TLS 1.2/1.3 to Redis never negotiates and certificates never use:
    # 3.1 MB -> see docs/tls.md for the binary with and without.
    # TLS 1.3 keeps AES-GCM; TLS 1.2 keeps ECDHE with AES-GCM. Fewer files
    # also build faster: about 90 s instead of 110 s on 2 cores.
    openssl_trim=(no-aria no-bf no-camellia no-cast no-cmp no-cms no-ct no-des no-dsa no-ec2m
        no-gost no-idea no-md4 no-mdc2 no-ocb no-ocsp no-rc2 no-rc4 no-rc5 no-rfc3779 no-scrypt
        no-seed no-siphash no-siv no-sm2 no-sm3 no-sm4 no-srtp no-ts no-whirlpool
        no-dh no-rmd160 no-blake2 no-psk no-ssl-trace no-cmac no-poly1305
        no-chacha no-multiblock)
    log "openssl ($(basename "$openssl_dir")) with $CC"
    # musl-gcc searches no glibc header, but OpenSSL wants the kernel's
    # (linux/*.h): after everything else, so musl's own win. no-afalgeng:
    # the AF_ALG engine needs newer kernel headers than it checks for.
    (cd "$openssl_dir" &&
        CC="$CC -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu" \
            ./Configure linux-x86_64 no-shared no-engine no-legacy no-tests no-afalgeng \
            no-dso no-async no-comp no-ssl3 no-dtls no-srp no-ui-console "${openssl_trim[@]}" \
            --prefix="$prefix" --libdir=lib --openssldir=/etc/ssl $opt >"$out/openssl.log" 2>&1 &&
        make -j"$jobs" build_libs >>"$out/openssl.log" 2>&1 &&
        make install_dev >>"$out/openssl.log" 2>&1) ||
        { tail -30 "$out/openssl.log" >&2; log "openssl build failed ($out/openssl.log)"; exit 1; }
    rm -rf "$prefix/lib/pkgconfig" "$prefix"/lib/*.so*
    cp "$openssl_dir/LICENSE.txt" "$out/licenses/openssl.txt"
    ssl_prefix=(OPENSSL_PREFIX="$prefix")

    # mimalloc in place of musl's malloc (one object; defining malloc and
    # friends replaces musl's, which musl supports for static links). TLS
    # handshakes allocate a lot, from a thread per peer: musl's allocator
    # made discovery over TLS 1.6 times slower (docs/performance.md).
    mimalloc_dir=$(fetch mimalloc/bookworm)
    log "mimalloc ($(basename "$mimalloc_dir")) with $CC"
    $CC $opt -DNDEBUG -DMI_MALLOC_OVERRIDE -I"$mimalloc_dir/include" \
        -c "$mimalloc_dir/src/static.c" -o "$prefix/lib/mimalloc.o"
    cp "$mimalloc_dir/LICENSE" "$out/licenses/mimalloc.txt"
else
    ssl_prefix=(OPENSSL_PREFIX=/usr)
fi

hiredis_dir=$(fetch hiredis/trixie)
log "hiredis ($(basename "$hiredis_dir")) with TLS, $CC"
make -s -C "$hiredis_dir" clean >/dev/null
make -s -C "$hiredis_dir" -j"$jobs" CC="$CC" OPTIMIZATION="$opt" DEBUG= USE_SSL=1 \
    "${ssl_prefix[@]}" static >/dev/null
cp "$hiredis_dir/libhiredis.a" "$hiredis_dir/libhiredis_ssl.a" "$prefix/lib/"
# The headers its own install target installs (alloc.h is a Debian patch).
for h in hiredis.h hiredis_ssl.h async.h read.h sds.h alloc.h; do
    [[ -e $hiredis_dir/$h ]] && cp "$hiredis_dir/$h" "$prefix/include/hiredis/"
done
cp "$hiredis_dir/COPYING" "$out/licenses/hiredis.txt"

if [[ $mode == musl ]]; then
    jansson_dir=$(fetch jansson/bookworm)
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
fi

printf '%s\n' "$self_sum" > "$stamp"
log "done: $(cd "$prefix/lib" && echo *.a)"
