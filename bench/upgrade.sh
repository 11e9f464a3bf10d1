#!/usr/bin/env bash
# Measures an offline `installer upgrade` from the OCI archive: the bytes it
# writes against the slot payload, and its time against the floor measured
# in the same run: dd of the same bytes into the same partition plus one
# sha256 pass over them. Prints a Markdown table.
#
#   bench/upgrade.sh IMAGER INSTALLER      (make bench runs it)
set -euo pipefail
imager=${1:?usage: bench/upgrade.sh IMAGER INSTALLER}
installer=${2:?usage: bench/upgrade.sh IMAGER INSTALLER}
kernel=${BRONZE_KERNEL_DIR:?set BRONZE_KERNEL_DIR (make bench does)}/vmlinuz
runs=${BENCH_RUNS:-5}
work=$(mktemp -d /tmp/bronze-bench-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

openssl genpkey -algorithm ed25519 -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/key.pub"
"$imager" metal --version v1 --kernel "$kernel" --out "$work/v1" --signing-key "$work/key.pem" --quiet
"$imager" installer --version v2 --kernel "$kernel" --out "$work/v2" --signing-key "$work/key.pem" --quiet
archive="$work/v2/installer-amd64.tar"

# The slot payload: the image's second layer, the raw slot image.
mkdir -p "$work/oci"
tar -xf "$archive" -C "$work/oci"
manifest=$(jq -r '.manifests[0].digest' "$work/oci/index.json" | cut -d: -f2)
payload_digest=$(jq -r '.layers[] | select(.mediaType=="application/vnd.dev.bronze.slot.v1.ext4") | .digest' \
  "$work/oci/blobs/sha256/$manifest" | cut -d: -f2)
payload="$work/oci/blobs/sha256/$payload_digest"
payload_bytes=$(stat -c %s "$payload")
boot_b_start=$(sfdisk --json "$work/v1/metal-amd64.raw" | jq '.partitiontable.partitions[] | select(.name=="BOOT-B") | .start')

now() { date +%s.%N; }
best_upgrade=999999
best_floor=999999
for _ in $(seq "$runs"); do
  cp --sparse=always "$work/v1/metal-amd64.raw" "$work/disk.raw"
  start=$(now)
  "$installer" upgrade --disk "$work/disk.raw" --image "$archive" --trust "$work/key.pub" --json --quiet >"$work/upgrade.json"
  end=$(now)
  best_upgrade=$(echo "t=$end - $start; if (t < $best_upgrade) t else $best_upgrade" | bc -l)

  cp --sparse=always "$work/v1/metal-amd64.raw" "$work/disk.raw"
  start=$(now)
  dd if="$payload" of="$work/disk.raw" bs=512 seek="$boot_b_start" conv=notrunc,fsync status=none
  sha256sum "$payload" >/dev/null
  end=$(now)
  best_floor=$(echo "t=$end - $start; if (t < $best_floor) t else $best_floor" | bc -l)
done
written=$(jq .bytes_written "$work/upgrade.json")

echo "| measure | value |"
echo "|---|---|"
echo "| slot payload (the slot image layer) | $payload_bytes B |"
echo "| bytes written by the upgrade | $written B |"
echo "| written / payload (goal <= 1.05) | $(printf '%.3f' "$(echo "$written / $payload_bytes" | bc -l)") |"
echo "| installer upgrade from the archive (best of $runs) | $(printf '%.3f' "$best_upgrade") s |"
echo "| floor: dd of the payload + sha256 (best of $runs) | $(printf '%.3f' "$best_floor") s |"
echo "| upgrade / floor (goal <= 1.1) | $(printf '%.2f' "$(echo "$best_upgrade / $best_floor" | bc -l)") |"
