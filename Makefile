# redis-init: boot-time role decision and config generation for Redis + Sentinel.
#
#   make            build bin/redis-init and bin/sentinel-init (system compiler)
#   make static     bin/static/{redis-init,sentinel-init}: one static musl binary, two names
#   make test       every suite once: unit (Check) and fuzz regressions; unit and
#                   integration on ASan+UBSan (Redis 7.0); e2e on the static binary
#                   the image ships, and its integration suite in the matrix
#                   (Redis 8.0, Valkey 8.1); docker, k8s, a benchmark smoke run
#   make integration / make e2e
#                   the same suites on bin/ (glibc), for a quick local run
#   make matrix     the integration suite and the e2e start / failover cases on
#                   Redis 8.0 and Valkey 8.1 (trixie roots, docs/servers.md)
#   make docker     build ./Dockerfile on a private Docker engine and run the image,
#                   then docker-compose.yml brought up and failed over
#   make k8s        render k8s/ (kustomize 2.0.3), schema + policy checks, k8s/base generated
#                   from the chart (tools/k8s-base.py), broken manifests rejected;
#                   then both renderings run on the kubelet stand-in (private Docker engine)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (clang)
#   make up / down  a local 3+3 cluster in network namespaces (root)
#   make bench      discovery and lifecycle benchmarks (not part of make test)

VERSION    ?= $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CC         ?= cc
PKG_CONFIG ?= pkg-config
OPT        ?= -O2 -g
WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CPPFLAGS   += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DRI_VERSION='"$(VERSION)"' -Ilib -Ibuild
CFLAGS     += -std=c11 $(OPT) $(WARN) -pthread
B          := build
# hiredis 1.2 with TLS, built from Debian's source (tools/build-deps.sh):
# bookworm's libhiredis is 0.14, without TLS. OpenSSL, jansson and inih
# are the system's.
DEPS_DIR   := $(B)/deps
DEPS_STAMP := $(DEPS_DIR)/.stamp
GL_CPPFLAGS = $(CPPFLAGS) -I$(DEPS_DIR)/prefix/include
LDLIBS     += $(DEPS_DIR)/prefix/lib/libhiredis_ssl.a $(DEPS_DIR)/prefix/lib/libhiredis.a \
              -lssl -lcrypto -ljansson -linih -lpthread
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# lib/ is folders by layer (docs/architecture.md); tools/check-layers.sh keeps the rule.
LIB_SRC    := $(sort $(wildcard lib/*/*.c))
TMPL       := $(sort $(wildcard templates/*.tmpl))
GEN_SRC    := $(B)/templates_gen.c
UNIT_SRC   := $(sort $(wildcard test/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 20
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# One object tree per build variant: obj (the system compiler), san
# (ASan + UBSan), static (musl) and fz (clang, libFuzzer).
objs       = $(patsubst %.c,$(B)/$(1)/%.o,$(LIB_SRC) $(GEN_SRC))
LIB_A      := $(B)/obj/libri.a
SAN_LIB_A  := $(B)/san/libri.a
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(B)/unit/%)
SAN_BIN    := $(UNIT_SRC:test/unit/%.c=$(B)/san/unit/%)
FUZZ_BIN   := $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)

BINS := bin/redis-init bin/sentinel-init
# Test tools the end-to-end suite and the benchmark run (not shipped).
TOOLS := $(B)/tools/ri-writer

# Keep objects between runs (they are intermediates of pattern rules).
.SECONDARY:

.PHONY: e2e-image static-suites all static deps test unit lint san integration e2e e2e-static matrix chaos docker k8s fuzz fuzz-regress bench bench-smoke bench-lifecycle up down format clean
all: $(BINS)

# The one compile rule, instantiated per variant: $(1) object tree,
# $(2) compiler and flags, $(3) extra prerequisites. Header dependencies
# come from the compiler (-MMD -MP), so an edit rebuilds what includes it.
define compile
$(B)/$(1)/%.o: %.c $(3)
	@mkdir -p $$(@D)
	$(2) -MMD -MP -c -o $$@ $$<
endef
$(DEPS_STAMP): tools/build-deps.sh
	tools/build-deps.sh glibc $(DEPS_DIR)
$(eval $(call compile,obj,$(CC) $(GL_CPPFLAGS) $(CFLAGS) $$(EXTRA_CFLAGS),$(DEPS_STAMP)))
$(eval $(call compile,san,$(CC) $(GL_CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $$(EXTRA_CFLAGS),$(DEPS_STAMP)))
# Check's and the test tools' sources: test/unit's headers, and helpers
# that need no prototype of their own.
$(B)/obj/test/%.o $(B)/san/test/%.o: EXTRA_CFLAGS = -Itest/unit -Wno-missing-prototypes

$(B)/obj/libri.a: $(call objs,obj)
	rm -f $@ && ar rcs $@ $^
$(B)/san/libri.a: $(call objs,san)
	rm -f $@ && ar rcs $@ $^

bin/%: $(B)/obj/cmd/%/main.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/san/bin/%: $(B)/san/cmd/%/main.o $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

# Templates are compiled into the binaries: a static binary needs no files.
$(B)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<
$(GEN_SRC): $(TMPL) $(B)/tools/embed
	@mkdir -p $(@D)
	$(B)/tools/embed $(TMPL) > $@.tmp && mv $@.tmp $@

$(B)/tools/%: $(B)/obj/test/tools/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# One Check executable per test/unit/test_<module>.c.
$(B)/unit/%: $(B)/obj/test/unit/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
$(B)/san/unit/%: $(B)/san/test/unit/%.o $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# Static build: musl-gcc against OpenSSL, hiredis and jansson built from
# Debian's sources (tools/build-deps.sh; the Dockerfile runs the same script).
# One multi-call binary, hard-linked under both names (the name picks the
# tool). Unit tests keep the system compiler: Check does not link with musl.
MUSL_DIR    := $(B)/musl
MUSL_CC     ?= musl-gcc
ST_CPPFLAGS := $(CPPFLAGS) -I$(MUSL_DIR)/prefix/include
# -Os inlining gives GCC 12 false maybe-uninitialized / format-truncation
# reports (an out parameter set on every success path, a string cut one byte
# short just before); the -O2 build keeps both warnings as errors.
# No unwind tables (C, no exceptions, a stripped binary: nothing reads
# them) and link-time optimisation keep both names under 600 KiB as two
# copies (test/static-check.sh): 314 KiB each without, 290 KiB with.
ST_CFLAGS   := -std=c11 -Os -flto -fno-asynchronous-unwind-tables -ffunction-sections \
               -fdata-sections $(WARN) -Wno-maybe-uninitialized -Wno-format-truncation -pthread
ST_LDFLAGS  := -static -s -Wl,--gc-sections -L$(MUSL_DIR)/prefix/lib
ST_LDLIBS   := -lhiredis_ssl -lhiredis -lssl -lcrypto -ljansson -linih -lpthread
STATIC_BINS := bin/static/redis-init bin/static/sentinel-init

$(MUSL_DIR)/.stamp: tools/build-deps.sh
	MUSL_CC=$(MUSL_CC) tools/build-deps.sh musl $(MUSL_DIR)
$(eval $(call compile,static,$(MUSL_CC) $(ST_CPPFLAGS) $(ST_CFLAGS),$(MUSL_DIR)/.stamp))
# mimalloc.o first: its malloc replaces musl's (tools/build-deps.sh).
bin/static/redis-init: $(B)/static/cmd/redis-init/main.o $(call objs,static)
	@mkdir -p $(@D)
	$(MUSL_CC) $(ST_CFLAGS) $(ST_LDFLAGS) -o $@ $(MUSL_DIR)/prefix/lib/mimalloc.o $^ $(ST_LDLIBS)
bin/static/sentinel-init: bin/static/redis-init
	ln -f $< $@

static: $(STATIC_BINS)
	@for f in $(STATIC_BINS); do printf '%s: %s bytes; %s\n' "$$f" "$$(stat -c %s $$f)" "$$(file -b $$f | cut -d, -f1-5)"; done

unit: lint $(UNIT_BIN)
	@test/run-unit.sh $(UNIT_BIN)
	@test/observability/run.sh

# The layer rule of lib/ (docs/architecture.md), file and function sizes,
# the version written once (VERSION; the Dockerfile's default agrees),
# their planted negative cases, and the C layout (.clang-format; the unit
# tests' tables are laid out by hand and not formatted).
FORMATTED := $(wildcard lib/*/*.[ch] cmd/*/*.c tools/*.c test/tools/*.c test/fuzz/*.c)
CLANG_FORMAT ?= clang-format
lint:
	@tools/check-layers.sh
	@tools/check-size.sh
	@tools/check-version.sh
	@out=$$(test/lint/test_check_layers.sh) || { echo "$$out"; exit 1; }; echo "$$out" | tail -1
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMATTED) && echo "clang-format: ok ($(words $(FORMATTED)) files)"
format:
	$(CLANG_FORMAT) -i $(FORMATTED)

# Sanitizer build: the unit suites and the integration tests run on ASan+UBSan binaries.
san: $(SAN_BIN) $(B)/san/bin/redis-init $(B)/san/bin/sentinel-init
	@CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 test/run-unit.sh $(SAN_BIN)
	@RI_BIN_DIR=$(B)/san/bin ASAN_OPTIONS=detect_leaks=1 test/integration/run.sh

integration: $(BINS)
	@RI_BIN_DIR=bin test/integration/run.sh

e2e: $(BINS) $(TOOLS)
	@RI_BIN_DIR=bin test/e2e/run.sh

# The static binaries, the ones the image ships (musl's resolver: search
# domains, ndots, NXDOMAIN, a name that appears late), through the
# integration suite and every end-to-end test. make test runs e2e here only:
# the glibc build runs the integration suite under ASan+UBSan (make san), so
# running every suite on both libcs would prove nothing more, twice.
e2e-static: $(STATIC_BINS) $(TOOLS)
	@$(MAKE) --no-print-directory static-suites STATIC_DIR=bin/static

# The binary the image ships, taken out of ./Dockerfile's image
# (test/docker/image-bins.sh): what make test runs, so the musl OpenSSL is
# compiled once, in the image build, which the docker suite then reuses.
# Here every end-to-end test on Redis 7.0; its integration suite runs in
# the matrix (Redis 8.0, Valkey 8.1), while Redis 7.0's is the sanitizer
# build's (make san): each server meets each build once.
IMAGE_BIN := $(B)/image/bin
e2e-image: $(TOOLS)
	@test/docker/image-bins.sh $(IMAGE_BIN)
	@test/static-check.sh $(IMAGE_BIN)
	@RI_BIN_DIR=$(IMAGE_BIN) E2E_ARTIFACTS=$${E2E_ARTIFACTS:-/tmp/ri-e2e-artifacts}/static test/e2e/run.sh

static-suites:
	@test/static-check.sh $(STATIC_DIR)
	@RI_BIN_DIR=$(STATIC_DIR) test/integration/run.sh
	@RI_BIN_DIR=$(STATIC_DIR) E2E_ARTIFACTS=$${E2E_ARTIFACTS:-/tmp/ri-e2e-artifacts}/static test/e2e/run.sh

# A randomized fault campaign against the WAIT 1 writer (not in make test):
#   make chaos DURATION=1800 SEED=12345
chaos: $(BINS) $(TOOLS)
	@RI_BIN_DIR=bin test/e2e/chaos.sh $(or $(DURATION),300) $(SEED)

# The server matrix (docs/servers.md): Redis 7.0 is what `integration` and
# `e2e` run; here the integration suite (its TLS cases included) and the
# start, master-kill and cold-restart-after-failover cases run again on each
# MATRIX_SERVERS server (test/servers.sh), from Debian trixie roots made
# with mmdebstrap and cached in /var/cache/redis-init-test. The e2e cases
# run with TLS on (E2E_TLS=on: TLS-only listeners, client certificates
# required): plain text is what every other suite runs, on each server in
# the integration suite, so once proves it; test_tls, the whole TLS story,
# runs in e2e on Redis 7.0.
MATRIX_SERVERS ?= redis8 valkey8
# test_cold_restart runs one of its five restart orders (parallel) per server;
# test_credentials its parallel start and its rotation case alone (the server
# behaviours it rests on).
MATRIX_E2E     ?= test_ordered_start test_cold_restart test_credentials
# The binaries: bin alone; make test passes the image's ($(IMAGE_BIN)).
MATRIX_BIN     ?= bin
matrix: $(BINS) $(TOOLS)
	@rc=0; for s in $(MATRIX_SERVERS); do \
	    E2E_SERVER=$$s RI_BIN_DIR=$(MATRIX_BIN) test/integration/run.sh || rc=1; \
	    E2E_SERVER=$$s RI_BIN_DIR=$(MATRIX_BIN) E2E_COLD_ORDERS=parallel E2E_TLS=on E2E_CREDS_CASES= \
	        E2E_ARTIFACTS=$${E2E_ARTIFACTS:-/tmp/ri-e2e-artifacts}/$$s \
	        test/e2e/run.sh $(MATRIX_E2E) || rc=1; \
	done; exit $$rc

# The Dockerfile built and run on a private engine (test/docker/lib.sh), then
# docker-compose.yml brought up and failed over on one.
docker: $(TOOLS)
	@test/docker/test_image.sh
	@test/docker/test_compose.sh

# The Kubernetes / OpenShift manifests and the Helm chart, rendered and
# checked offline (test/k8s/run.sh, test_chart.sh), then run on the kubelet
# stand-in.
k8s: $(BINS)
	@test/k8s/run.sh
	@test/k8s/test_chart.sh
	@test/k8s/test_kubelet.sh

# Everything the suites run is built first, two jobs at a time (compiling is
# the one step that uses both cores); then the suites run one after the other.
# The static binary is not among them: the image builds it (e2e-image).
# (Building the image beside the host's compile saves nothing: both are
# CPU-bound on two cores; measured 215 s together, 56 s + 155 s apart.)
# Each step's time is printed ("make test: STEP N s"), for the CI budget.
# The Docker suites (image-bins.sh in e2e-image, docker, the kubelet in k8s)
# share one private engine (test/docker/engine.sh): base images imported
# and our image built once.
TEST_BUILD = $(BINS) $(TOOLS) $(UNIT_BIN) $(SAN_BIN) $(B)/san/bin/redis-init \
             $(B)/san/bin/sentinel-init $(FUZZ_BIN)
TEST_STEPS = unit fuzz-regress san e2e-image matrix docker k8s bench-smoke
test:
	@s=$$(date +%s); $(MAKE) --no-print-directory -j2 $(TEST_BUILD) && \
	  echo "make test: build $$(( $$(date +%s) - s )) s"
	@DK_SHARED=$$(test/docker/engine.sh start) || exit 1; export DK_SHARED; \
	  trap 'test/docker/engine.sh stop "$$DK_SHARED"' EXIT; \
	  for t in $(TEST_STEPS); do s=$$(date +%s); \
	  $(MAKE) --no-print-directory $$t MATRIX_BIN=$(IMAGE_BIN) || exit 1; \
	  echo "make test: $$t $$(( $$(date +%s) - s )) s"; done

# Fuzz targets: the library is compiled once with coverage + sanitizers.
FUZZ_CFLAGS := $(GL_CPPFLAGS) -std=c11 -g -O1 -pthread
FZ_CC       := clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined
$(eval $(call compile,fz,$(FZ_CC),$(DEPS_STAMP)))
$(B)/fz/libri.a: $(call objs,fz)
	rm -f $@ && ar rcs $@ $^
$(B)/fuzz/%: $(B)/fz/test/fuzz/%.o $(B)/fz/libri.a
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# Replay every kept fuzz input (crash regressions included), no new fuzzing.
fuzz-regress: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; \
	  $$f -runs=0 test/fuzz/corpus/$$n >/dev/null 2>&1 || { echo "fuzz regression FAILED: $$f"; $$f -runs=0 test/fuzz/corpus/$$n 2>&1 | tail -20; exit 1; }; \
	  echo "fuzz regression ok: $${f##*/} ($$(ls test/fuzz/corpus/$$n | wc -l) inputs)"; done

bench: $(BINS) $(TOOLS)
	@out=bench/results/$$(date +%Y%m%d-%H%M%S); BENCH_OUT=$$out bench/run.sh && BENCH_OUT=$$out bench/lifecycle.sh

# The benchmark, once per row of its smallest cluster (3 + 3, plain and
# TLS): it must complete and its output verify (bench_verify, lc_verify).
# Part of make test, so it cannot rot; the larger clusters run the same
# code, and the figures of docs/performance.md come from a full `make bench`.
bench-smoke: $(BINS) $(TOOLS)
	@out=$$(mktemp -d /tmp/ri-bench-smoke.XXXXXX); \
	  BENCH_OUT=$$out BENCH_RUNS=1 BENCH_SIZES=3 BENCH_TLS_SIZES=3 bench/run.sh >$$out/run.log 2>&1 && \
	  BENCH_OUT=$$out BENCH_CHECK_RUNS=1 BENCH_PRESTOP_RUNS=1 BENCH_AGENT_SECONDS=3 bench/lifecycle.sh >$$out/lifecycle.log 2>&1 && \
	  { grep -h 'verify:' $$out/run.log $$out/lifecycle.log; rm -rf $$out; } || \
	  { tail -30 $$out/run.log $$out/lifecycle.log 2>/dev/null; echo "bench-smoke FAILED (logs in $$out)"; exit 1; }

# Only the lifecycle part (check latency, prestop switchover).
bench-lifecycle: $(BINS) $(TOOLS)
	@bench/lifecycle.sh

deps:
	@tools/install-deps.sh

# The README's first command: install what is missing, build, start 3+3 pods.
up: deps
	@$(MAKE) --no-print-directory all $(TOOLS)
	@test/e2e/cluster.sh up
down:
	@test/e2e/cluster.sh down

clean:
	rm -rf $(B) bin

# Header dependencies written by the compile rule.
-include $(shell find $(B) -name '*.d' 2>/dev/null)
