# Makefile - the entry points: `make` builds build/lqd and build/lq, `make
# check` runs every test, `make demo` shows lq at work, `make fuzz` fuzzes.
# Meson and Ninja do the building; this file only wraps them.

BUILD ?= build
FUZZ_SECONDS ?= 600

.PHONY: all deps check demo fuzz clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

deps:
	@scripts/install-deps.sh

check: deps
	@scripts/run-check.sh

demo: all
	@scripts/demo.sh $(BUILD)

# Fuzz every target for FUZZ_SECONDS each (default 10 minutes), both cores.
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-logs
