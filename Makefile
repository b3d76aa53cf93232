# redis-init: boot-time role decision and config generation for Redis + Sentinel.
#
#   make            build bin/redis-init and bin/sentinel-init (system compiler)
#   make test       every test: unit (Check), sanitizer unit, integration, e2e
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
LDLIBS     += -lhiredis -ljansson -linih -lpthread
B          := build
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC    := $(sort $(wildcard lib/*.c))
TMPL       := $(sort $(wildcard templates/*.tmpl))
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o) $(B)/templates_gen.o
LIB_A      := $(B)/libri.a
SAN_LIB_A  := $(B)/san/libri.a
UNIT_SRC   := $(sort $(wildcard test/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(B)/unit/%)
SAN_BIN    := $(UNIT_SRC:test/unit/%.c=$(B)/san/unit/%)
SAN_LIBOBJ := $(LIB_SRC:%.c=$(B)/san/%.o) $(B)/san/templates_gen.o
FUZZ_SRC   := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 20
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

BINS := bin/redis-init bin/sentinel-init
# Test tools the end-to-end suite and the benchmark run (not shipped).
TOOLS := $(B)/tools/ri-writer

# Keep objects between runs (they are intermediates of pattern rules).
.SECONDARY:

.PHONY: all deps test unit san integration e2e fuzz fuzz-regress bench bench-lifecycle up down clean
all: $(BINS)

bin/%: $(B)/cmd/%/main.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB_A): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
$(SAN_LIB_A): $(SAN_LIBOBJ)
	rm -f $@ && ar rcs $@ $^

# Templates are compiled into the binaries: a static binary needs no files.
$(B)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<
$(B)/templates_gen.c: $(TMPL) $(B)/tools/embed
	@mkdir -p $(@D)
	$(B)/tools/embed $(TMPL) > $@.tmp && mv $@.tmp $@
$(B)/templates_gen.o: $(B)/templates_gen.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(B)/san/templates_gen.o: $(B)/templates_gen.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(B)/san/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/tools/%: test/tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

# One Check executable per test/unit/test_<module>.c.
$(B)/unit/%: test/unit/%.c $(wildcard test/unit/*.h) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itest/unit $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB_A) $(CHECK_LIBS) $(LDLIBS)
$(B)/san/unit/%: test/unit/%.c $(wildcard test/unit/*.h) $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itest/unit $(CFLAGS) $(SAN_FLAGS) -Wno-missing-prototypes -o $@ $< $(SAN_LIB_A) $(CHECK_LIBS) $(LDLIBS)
$(B)/san/bin/%: $(B)/san/cmd/%/main.o $(SAN_LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BIN)
	@test/run-unit.sh $(UNIT_BIN)

# Sanitizer build: the unit suites and the integration tests run on ASan+UBSan binaries.
san: $(SAN_BIN) $(B)/san/bin/redis-init $(B)/san/bin/sentinel-init
	@CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 test/run-unit.sh $(SAN_BIN)
	@RI_BIN_DIR=$(B)/san/bin ASAN_OPTIONS=detect_leaks=1 test/integration/run.sh

integration: $(BINS)
	@RI_BIN_DIR=bin test/integration/run.sh

e2e: $(BINS) $(TOOLS)
	@RI_BIN_DIR=bin test/e2e/run.sh

test: all unit fuzz-regress san integration e2e

# Fuzz targets: the library is compiled once with coverage + sanitizers.
FUZZ_CFLAGS := $(CPPFLAGS) -std=c11 -g -O1 -pthread
FUZZ_LIBOBJ := $(LIB_SRC:%.c=$(B)/fz/%.o) $(B)/fz/templates_gen.o
$(B)/fz/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(B)/fz/templates_gen.o: $(B)/templates_gen.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(B)/fz/libri.a: $(FUZZ_LIBOBJ)
	rm -f $@ && ar rcs $@ $^
$(B)/fuzz/%: test/fuzz/%.c $(B)/fz/libri.a
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(B)/fz/libri.a $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# Replay every kept fuzz input (crash regressions included), no new fuzzing.
fuzz-regress: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; \
	  $$f -runs=0 test/fuzz/corpus/$$n >/dev/null 2>&1 || { echo "fuzz regression FAILED: $$f"; $$f -runs=0 test/fuzz/corpus/$$n 2>&1 | tail -20; exit 1; }; \
	  echo "fuzz regression ok: $${f##*/} ($$(ls test/fuzz/corpus/$$n | wc -l) inputs)"; done

bench: $(BINS) $(TOOLS)
	@out=bench/results/$$(date +%Y%m%d-%H%M%S); BENCH_OUT=$$out bench/run.sh && BENCH_OUT=$$out bench/lifecycle.sh

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
