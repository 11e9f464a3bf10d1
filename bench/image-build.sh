#!/usr/bin/env bash
# Times an image build with the kernel cached, stage by stage, against its
# floor measured in the same run on the same data: mksquashfs alone on the
# same tree, zstd on the same uncompressed initramfs, and copying the image's
# bytes. Then the no-change rebuild. Prints a Markdown table.
#
#   bench/image-build.sh IMAGER        (make bench runs it)
set -euo pipefail
imager=${1:?usage: bench/image-build.sh IMAGER}
kernel=${BRONZE_KERNEL_DIR:?set BRONZE_KERNEL_DIR (make bench does)}/vmlinuz
runs=${BENCH_RUNS:-5}
work=$(mktemp -d /tmp/bronze-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

now() { date +%s.%N; }
# best of $runs, in seconds
best() {
  local best=999999 start end t
  for _ in $(seq "$runs"); do
    "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
  done
  for _ in $(seq "$runs"); do
    start=$(now); "$@" >/dev/null 2>&1; end=$(now)
    t=$(echo "$end - $start" | bc -l)
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
  done
  printf '%.3f' "$best"
}

openssl genpkey -algorithm ed25519 -out "$work/key.pem" 2>/dev/null
build() { rm -rf "$work/out"; "$imager" metal --version bench --kernel "$kernel" --out "$work/out" --signing-key "$work/key.pem" --quiet; }

# Per-stage times of one full build.
rm -rf "$work/out"
"$imager" metal --version bench --kernel "$kernel" --out "$work/out" --signing-key "$work/key.pem" --json >"$work/build.json" 2>/dev/null
full=$(best build)

# The floor, on the same data.
unsquashfs -q -d "$work/tree" "$work/out/metal-amd64/rootfs.sqfs" >/dev/null
zstd -q -d -f "$work/out/metal-amd64/initramfs.img" -o "$work/initramfs.cpio"
t=$SOURCE_DATE_EPOCH
squash=$(best env -u SOURCE_DATE_EPOCH mksquashfs "$work/tree" "$work/floor.sqfs" -noappend -quiet -no-progress -comp zstd -Xcompression-level 6 -all-root -no-xattrs -mkfs-time "$t" -all-time "$t")
compress=$(best zstd -q -f -3 "$work/initramfs.cpio" -o "$work/floor.zst")
write=$(best cp --sparse=always "$work/out/metal-amd64.raw" "$work/floor.raw")
floor=$(echo "$squash + $compress + $write" | bc -l)
ratio=$(echo "$full / $floor" | bc -l)

# No-change rebuild: the same command again over the same output folder.
"$imager" metal --version bench --kernel "$kernel" --out "$work/out" --signing-key "$work/key.pem" --quiet
noop=$(best "$imager" metal --version bench --kernel "$kernel" --out "$work/out" --signing-key "$work/key.pem" --quiet)

echo "| stage | seconds |"
echo "|---|---|"
jq -r '.stages[] | "| \(.name) | \(.seconds * 1000 | round / 1000) |"' "$work/build.json"
echo
echo "| measure | seconds |"
echo "|---|---|"
echo "| full image build (best of $runs) | $full |"
echo "| floor: mksquashfs on the same tree | $squash |"
echo "| floor: zstd -3 on the same initramfs | $compress |"
echo "| floor: copying the image's bytes | $write |"
echo "| floor total | $(printf '%.3f' "$floor") |"
echo "| ratio build / floor (goal <= 1.25) | $(printf '%.2f' "$ratio") |"
echo "| no-change rebuild (goal <= 1 s) | $noop |"
