#!/usr/bin/env bash
# Builds the hardened Bronze kernel for one arch from Debian's linux-source
# package and caches it by content hash outside the source tree, so that an
# unchanged config never costs a rebuild.
#
#   kernel/build-kernel.sh amd64|arm64      prints the cached kernel's folder
#
# The cache folder holds `vmlinuz` (bzImage on amd64; on arm64 Image.gz,
# which has no decompressor of its own: GRUB's gzio inflates it, as on
# Debian), `config` (the final .config), `modules.builtin` (the drivers built
# in) and `builtin-sizes` (text, data and bss of each built-in directory,
# which BENCHMARKS.md turns into what each driver family costs).
# BRONZE_CACHE overrides the cache root.
set -euo pipefail

arch=${1:-amd64}
here=$(cd "$(dirname "$0")" && pwd)
source_tarball=/usr/src/linux-source-6.1.tar.xz

case "$arch" in
  amd64) karch=x86_64; cross=""; image_path=arch/x86/boot/bzImage ;;
  arm64) karch=arm64; cross=aarch64-linux-gnu-; image_path=arch/arm64/boot/Image.gz ;;
  *) echo "build-kernel: unknown arch '$arch' (expected amd64 or arm64)" >&2; exit 2 ;;
esac

fragments=("$here/config/base.config" "$here/config/base-$arch.config"
           "$here/config/drivers.config" "$here/config/drivers-$arch.config"
           "$here/config/kspp.config" "$here/config/kspp-$arch.config")
for f in "${fragments[@]}"; do
  [ -f "$f" ] || { echo "build-kernel: missing config fragment $f" >&2; exit 2; }
done
[ -f "$source_tarball" ] || {
  echo "build-kernel: $source_tarball not found; install it with 'apt-get install linux-source-6.1' (make deps does)" >&2
  exit 2
}

# Bump when the build steps below change what they produce; editing this
# script otherwise (comments, messages) must not cost an 8-minute rebuild.
recipe=3
source_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
compiler_version=$("${cross}gcc" --version | head -n 1)
key=$( { cat "${fragments[@]}"; echo "recipe $recipe"; echo "$source_version"; echo "$compiler_version"; } | sha256sum | cut -c1-16)

cache_root=${BRONZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bronze}
out="$cache_root/kernel/$arch-$key"
if [ -f "$out/vmlinuz" ] && [ -f "$out/config" ] && [ -f "$out/modules.builtin" ] && [ -f "$out/builtin-sizes" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root/kernel"
# One build per key at a time: a second caller waits and then finds it cached.
exec 9>"$cache_root/kernel/.lock-$arch-$key"
flock 9
if [ -f "$out/vmlinuz" ] && [ -f "$out/config" ] && [ -f "$out/modules.builtin" ] && [ -f "$out/builtin-sizes" ]; then
  echo "$out"
  exit 0
fi
work=$(mktemp -d "$cache_root/kernel/build-$arch.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "build-kernel: building $arch kernel $key in $work (about 8 minutes on 2 cores)" >&2

tar -xf "$source_tarball" -C "$work" --strip-components=1
cd "$work"
kmake=(make -s ARCH="$karch" CROSS_COMPILE="$cross"
       KBUILD_BUILD_USER=bronze KBUILD_BUILD_HOST=bronze
       KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 1970")
"${kmake[@]}" tinyconfig >/dev/null
ARCH="$karch" CROSS_COMPILE="$cross" scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null
"${kmake[@]}" olddefconfig >/dev/null

# merge_config only warns when Kconfig drops a requested value (a missing
# dependency); a hardened kernel that silently lost an option is a failure.
missing=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) name=${line%%=*}; want=$line ;;
    "# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *}; want="" ;;
    *) continue ;;
  esac
  got=$(grep -E "^$name=" .config || true)
  if [ "$want" != "$got" ]; then
    echo "build-kernel: $name: wanted '${want:-is not set}', got '${got:-is not set}'" >&2
    missing=1
  fi
done < <(cat "${fragments[@]}")
[ "$missing" = 0 ] || { echo "build-kernel: fix the fragments in kernel/config" >&2; exit 1; }

"${kmake[@]}" -j"$(nproc)" "$(basename "$image_path")"
stage="$work/out"
mkdir -p "$stage"
cp "$image_path" "$stage/vmlinuz"
cp .config "$stage/config"
# What is built in, by module name (e.g. kernel/drivers/net/ethernet/amazon/
# ena/ena.ko): the tests check each platform's drivers against it.
[ -f modules.builtin ] || { echo "build-kernel: the build made no modules.builtin" >&2; exit 1; }
cp modules.builtin "$stage/modules.builtin"
# Each directory's built-in.a holds its subdirectories' objects too (thin
# archives), so a vendor's folder sums its whole driver family.
find drivers net -name built-in.a | LC_ALL=C sort | while IFS= read -r archive; do
  # An empty archive (a folder with nothing built in) has no objects to size.
  { "${cross}size" -t "$archive" 2>/dev/null || true; } |
    awk -v dir="${archive%/built-in.a}" '/\(TOTALS\)/ { print $1, $2, $3, dir }'
done > "$stage/builtin-sizes"
rm -rf "$out"
mv "$stage" "$out"
echo "$out"
