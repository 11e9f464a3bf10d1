#!/usr/bin/env bash
# Installs the Debian packages Bronze needs, and only those that are missing,
# so that a second run costs one dpkg-query.
#
# Names with an arch (libssl-dev:arm64) are another arch's packages, for the
# arm64 cross build: dpkg learns that arch first (multiarch).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(grep -v '^#' "$here/debian-packages.txt" | tr -s ' \n' '\n' | sed '/^$/d')

# Every installed instance as name:arch; a name without an arch in the list
# means the native one (or an arch-independent package).
native=$(dpkg --print-architecture)
declare -A installed=()
while IFS=$'\t' read -r name status; do
  [ "$status" = "ii " ] && installed[$name]=1
done < <(dpkg-query -W -f='${Package}:${Architecture}\t${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
missing=()
foreign=()
for pkg in "${wanted[@]}"; do
  case "$pkg" in
    *:*) [ -n "${installed[$pkg]:-}" ] || missing+=("$pkg") ;;
    *) [ -n "${installed[$pkg:$native]:-}${installed[$pkg:all]:-}" ] || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

for pkg in "${missing[@]}"; do
  case "$pkg" in *:*) foreign+=("${pkg#*:}") ;; esac
done
echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
for arch in $(printf '%s\n' "${foreign[@]}" | sort -u); do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "install-deps: adding $arch to dpkg's architectures (multiarch)" >&2
    dpkg --add-architecture "$arch"
  fi
done
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
