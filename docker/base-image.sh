#!/usr/bin/env bash
# Builds a minimal Node base image from this machine's own Node 24 binary (no image registry is
# reachable in CI here). Users build on the default `node:24-slim` instead.
# Usage: docker/base-image.sh [tag]   (default tag: mockidp-node-base:local)
set -euo pipefail
tag="${1:-mockidp-node-base:local}"
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$(readlink -f "$root/node_modules/.bin/node")"
[ -x "$node_bin" ] || { echo "no Node binary at node_modules/.bin/node: run npm ci first" >&2; exit 1; }

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/usr/local/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/home/node"
chmod 1777 "$rootfs/tmp"
cp "$node_bin" "$rootfs/usr/local/bin/node"
# The shared libraries the binary links against, at the same paths.
for lib in $(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
echo 'root:x:0:0:root:/root:/usr/sbin/nologin' > "$rootfs/etc/passwd"
echo 'node:x:1000:1000:node:/home/node:/usr/sbin/nologin' >> "$rootfs/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$rootfs/etc/group"
chown 1000:1000 "$rootfs/home/node"
tar -C "$rootfs" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'ENV HOME=/home/node' - "$tag" > /dev/null
echo "$tag"
