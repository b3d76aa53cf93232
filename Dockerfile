# redis-init: a FROM-scratch image whose only job is to seed the official
# Redis container with the static binaries (README "Container image").
#
#   docker build -t redis-init .
#   docker build --build-arg SOURCE=<repository URL> -t redis-init:$(cat VERSION) .
#
# VERSION defaults to the VERSION file's (tools/check-version.sh, run by
# `make lint`, keeps the two equal); a VERSION build argument that differs
# from the file is refused, so a label never names other binaries.
#
# The build stage runs `make static`: the very script (tools/build-deps.sh)
# a host build runs, on Debian bookworm, with Debian's source packages
# (OpenSSL 3, hiredis 1.2 with TLS, jansson; about 2.5 minutes on 2 cores).

ARG VERSION=0.1.0

FROM debian:bookworm AS build
WORKDIR /src
COPY tools/install-deps.sh tools/
RUN tools/install-deps.sh static
COPY . .
ARG VERSION
# The label must say what the binaries say.
RUN if [ "$VERSION" != "$(cat VERSION)" ]; then \
        echo "VERSION build argument \"$VERSION\" differs from the VERSION file ($(cat VERSION))" >&2; exit 65; fi \
 && make -j"$(nproc)" static \
 && mkdir -p /out/usr/local/bin /out/licenses \
 && cp bin/static/redis-init /out/usr/local/bin/redis-init \
 && ln -s redis-init /out/usr/local/bin/sentinel-init \
 && cp LICENSE /out/licenses/redis-init.txt \
 && cp build/musl/licenses/*.txt /out/licenses/ \
 && chmod -R a+rX,go-w /out \
 && mkdir -m 0770 /out/seed && chown 65532:0 /out/seed

# One multi-call binary (the name picks the tool), licence texts, nothing else:
# no shell, no package manager, no libc files. The empty /seed (ours, group 0
# writable, any UID of group 0 as OpenShift runs it) is what a new docker
# volume mounted there copies its owner from: docker-compose.yml seeds one.
FROM scratch
ARG VERSION
ARG SOURCE
LABEL org.opencontainers.image.title="redis-init" \
      org.opencontainers.image.description="Static redis-init and sentinel-init; 'install DIR' seeds a volume for the Redis container" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.licenses="BSD-3-Clause AND MIT"
COPY --from=build /out/ /
# Any UID works (OpenShift assigns one); this is the default, never root.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/redis-init", "install"]
CMD ["/seed"]
