#!/usr/bin/env bash
# scripts/grub-efi.sh ARCH: prints the folder holding GRUB's UEFI modules for
# ARCH (amd64 or arm64), which the imager packs into the disk's EFI binary
# (imager --grub-efi-modules FOLDER).
#
# Debian's installed packages have them in /usr/lib/grub/TARGET. On an amd64
# host, arm64's come from grub-efi-arm64-bin, an arm64 package that is not
# installed (that would put another arch's boot loader, with its signed
# variant and efibootmgr, under dpkg's care, when only its files are
# wanted): it is downloaded with apt-get and unpacked with dpkg-deb into
# ~/.cache/bronze/grub/ (BRONZE_CACHE overrides the root), once per version.
# The version is the installed grub-common's, so that the modules match the
# grub-mkimage that packs them.
# The download needs arm64 among dpkg's architectures (install-deps.sh adds it).
set -euo pipefail

arch=${1:-}
case "$arch" in
  amd64) target=x86_64-efi package=grub-efi-amd64-bin ;;
  arm64) target=arm64-efi package=grub-efi-arm64-bin ;;
  *) echo "usage: $0 amd64|arm64" >&2; exit 2 ;;
esac
if [ -f "/usr/lib/grub/$target/normal.mod" ]; then
  echo "/usr/lib/grub/$target"
  exit 0
fi
if [ "$arch" = amd64 ]; then
  echo "grub-efi: no GRUB modules in /usr/lib/grub/$target; install $package (scripts/install-deps.sh does)" >&2
  exit 1
fi

cache=${BRONZE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bronze}/grub
version=$(dpkg-query -W -f='${Version}' grub-common 2>/dev/null || true)
if [ -z "$version" ]; then
  echo "grub-efi: grub-common is not installed; run scripts/install-deps.sh" >&2
  exit 1
fi
dir="$cache/$target-$version"
modules="$dir/usr/lib/grub/$target"
if [ -f "$modules/normal.mod" ]; then
  echo "$modules"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.$target-XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt's download user must be able to write the folder it downloads into.
chmod 755 "$work"
if ! (cd "$work" && apt-get download -qq "$package:$arch=$version") >"$work/apt.log" 2>&1; then
  cat "$work/apt.log" >&2
  echo "grub-efi: cannot download $package:$arch $version (the installed grub-common's version);" \
    "check that $arch is among dpkg's architectures (dpkg --print-foreign-architectures) and run apt-get update" >&2
  exit 1
fi
dpkg-deb -x "$work/${package}_"*"_$arch.deb" "$work/tree"
if [ ! -f "$work/tree/usr/lib/grub/$target/normal.mod" ]; then
  echo "grub-efi: $package holds no usr/lib/grub/$target/normal.mod" >&2
  exit 1
fi
# Moved into place whole, so that an interrupted run leaves nothing that
# looks complete.
rm -rf "$dir"
mv "$work/tree" "$dir"
echo "$modules"
