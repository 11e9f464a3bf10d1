# Bronze: the commands people type. `make help` lists them.
#
#   make image   the signed metal image in _out/ (installs what is missing)
#   make test    the whole test suite (what CI runs)
#   make kernel  the hardened kernel alone, cached by content hash
#   make installer  the installer image (OCI) that upgrades nodes
#   make bench   image build stages against their floor, into BENCHMARKS.md

SHELL := /bin/bash
ARCH ?= amd64
PLATFORM ?= metal
OUT ?= _out
BUILD_DIR ?= _build/release
TEST_BUILD_DIR ?= _build/test
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Every timestamp in an image: the last commit's, so the same commit gives
# the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
export SOURCE_DATE_EPOCH
CTEST_JOBS ?= 2
CTEST_ARGS ?=

.PHONY: help deps build kernel image installer test test-build bench clean

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@ninja -C $(BUILD_DIR) --quiet

kernel: deps
	@kernel/build-kernel.sh $(ARCH)

# KERNEL=path uses a given bzImage instead of the cached hardened build;
# CONFIG=node.yaml puts a machine config into the image's STATE.
image: build
	@kernel=$${KERNEL:-$$(kernel/build-kernel.sh $(ARCH))/vmlinuz} && \
	$(BUILD_DIR)/imager/imager $(PLATFORM) --arch $(ARCH) --version $(VERSION) --kernel "$$kernel" --out $(OUT) \
	  $(if $(CONFIG),--config $(CONFIG))

# The installer image (OCI archive) that upgrades nodes to this version.
installer: build
	@kernel=$${KERNEL:-$$(kernel/build-kernel.sh $(ARCH))/vmlinuz} && \
	$(BUILD_DIR)/imager/imager installer --arch $(ARCH) --version $(VERSION) --kernel "$$kernel" --out $(OUT)

$(TEST_BUILD_DIR)/build.ninja:
	@cmake -S . -B $(TEST_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBRONZE_SANITIZE=ON >/dev/null

test-build: deps $(TEST_BUILD_DIR)/build.ninja
	@ninja -C $(TEST_BUILD_DIR) --quiet

# The suites find the cached kernels through BRONZE_KERNEL_DIR(_ARM64).
test: test-build
	@export BRONZE_KERNEL_DIR=$$(kernel/build-kernel.sh amd64) && \
	export BRONZE_KERNEL_DIR_ARM64=$$(kernel/build-kernel.sh arm64) && \
	ctest --test-dir $(TEST_BUILD_DIR) --output-on-failure -j $(CTEST_JOBS) $(CTEST_ARGS)

bench: build
	@export BRONZE_KERNEL_DIR=$$(kernel/build-kernel.sh amd64) && \
	echo "## Image build ($$(date -u +%F), $$(nproc) cores)" && \
	bench/image-build.sh $(BUILD_DIR)/imager/imager && echo && \
	echo "## Upgrade" && \
	bench/upgrade.sh $(BUILD_DIR)/imager/imager $(BUILD_DIR)/installer/installer && echo && \
	$(BUILD_DIR)/tests/cluster/cluster_bench

clean:
	rm -rf _build $(OUT)
