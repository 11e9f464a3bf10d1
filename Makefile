# Bronze: the commands people type. `make help` lists them.
#
#   make image   the signed metal image in _out/ (installs what is missing)
#   make test    the whole test suite (what CI runs)
#   make kernel  the hardened kernel alone, cached by content hash
#   make installer  the installer image (OCI) that upgrades nodes
#   make bench   image build stages against their floor, into BENCHMARKS.md
#   ARCH=arm64   image, kernel or installer for arm64 nodes

SHELL := /bin/bash
ARCH ?= amd64
PLATFORM ?= metal
OUT ?= _out
BUILD_DIR ?= _build/release
TEST_BUILD_DIR ?= _build/test
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Anti-rollback: signed into every image; nodes refuse images below the
# highest one they committed. Raise it with each release that fixes a
# vulnerability, so that the releases before it can never come back.
SECURITY_VERSION ?= 1
# Every timestamp in an image: the last commit's, so the same commit gives
# the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
export SOURCE_DATE_EPOCH
CTEST_JOBS ?= 2
CTEST_ARGS ?=
# ccache (scripts/debian-packages.txt) keeps object files across build
# folders and clones; paths under this folder are hashed relative to it.
CMAKE_LAUNCHER = -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: help deps build kernel image installer test test-build bench clean

help:
	@sed -n '2,8p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_LAUNCHER) >/dev/null

# The arm64 node binaries (init, machined, installer) cross-built beside a
# host build: DIR-arm64/node/, where DIR's imager looks for them.
%-arm64/build.ninja:
	@cmake -S . -B $*-arm64 -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRONZE_NODE_ONLY=ON $(CMAKE_LAUNCHER) \
	  -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/aarch64-linux-gnu.cmake >/dev/null

# Host tools and node binaries, plus arm64's node binaries when ARCH=arm64.
BUILD_DIRS = $(BUILD_DIR) $(if $(filter arm64,$(ARCH)),$(BUILD_DIR)-arm64)
build: deps $(BUILD_DIRS:%=%/build.ninja)
	@for dir in $(BUILD_DIRS); do ninja -C $$dir --quiet || exit 1; done

kernel: deps
	@kernel/build-kernel.sh $(ARCH)

# KERNEL=path uses a given kernel (bzImage, arm64: Image) instead of the
# cached hardened build; CONFIG=node.yaml puts a machine config into the
# image's STATE.
image: build
	@kernel=$${KERNEL:-$$(kernel/build-kernel.sh $(ARCH))/vmlinuz} && \
	grub=$$(scripts/grub-efi.sh $(ARCH)) && \
	$(BUILD_DIR)/imager/imager $(PLATFORM) --arch $(ARCH) --version $(VERSION) --security-version $(SECURITY_VERSION) \
	  --kernel "$$kernel" --out $(OUT) \
	  --grub-efi-modules "$$grub" $(if $(CONFIG),--config $(CONFIG))

# The installer image (OCI archive) that upgrades nodes to this version.
installer: build
	@kernel=$${KERNEL:-$$(kernel/build-kernel.sh $(ARCH))/vmlinuz} && \
	$(BUILD_DIR)/imager/imager installer --arch $(ARCH) --version $(VERSION) --security-version $(SECURITY_VERSION) \
	  --kernel "$$kernel" --out $(OUT)

$(TEST_BUILD_DIR)/build.ninja:
	@cmake -S . -B $(TEST_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBRONZE_SANITIZE=ON $(CMAKE_LAUNCHER) >/dev/null

# The suites boot arm64 images too: their node binaries are cross-built.
test-build: deps $(TEST_BUILD_DIR)/build.ninja $(TEST_BUILD_DIR)-arm64/build.ninja
	@ninja -C $(TEST_BUILD_DIR) --quiet
	@ninja -C $(TEST_BUILD_DIR)-arm64 --quiet

# The suites find the cached kernels through BRONZE_KERNEL_DIR(_ARM64), and
# GRUB's arm64-efi modules through BRONZE_GRUB_EFI_ARM64.
test: test-build
	@export BRONZE_KERNEL_DIR=$$(kernel/build-kernel.sh amd64) && \
	export BRONZE_KERNEL_DIR_ARM64=$$(kernel/build-kernel.sh arm64) && \
	export BRONZE_GRUB_EFI_ARM64=$$(scripts/grub-efi.sh arm64) && \
	ctest --test-dir $(TEST_BUILD_DIR) --output-on-failure -j $(CTEST_JOBS) $(CTEST_ARGS)

bench: build
	@export BRONZE_KERNEL_DIR=$$(kernel/build-kernel.sh amd64) && \
	export BRONZE_KERNEL_DIR_ARM64=$$(kernel/build-kernel.sh arm64) && \
	echo "## Image build ($$(date -u +%F), $$(nproc) cores)" && \
	bench/image-build.sh $(BUILD_DIR)/imager/imager && echo && \
	echo "## Upgrade" && \
	bench/upgrade.sh $(BUILD_DIR)/imager/imager $(BUILD_DIR)/installer/installer && echo && \
	$(BUILD_DIR)/bench/stream_upgrade_bench && echo && \
	$(BUILD_DIR)/bench/delta_upgrade_bench && echo && \
	$(BUILD_DIR)/bench/cluster_bench && echo && \
	$(BUILD_DIR)/bench/device_boot_bench && echo && \
	$(BUILD_DIR)/bench/kernel_size_bench

clean:
	rm -rf _build $(OUT)
