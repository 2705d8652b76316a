#!/usr/bin/env bash
# Builds the mockidp image from the packed npm tarball (what users install), not from the source tree:
# the tarball and its production dependencies are installed into a context folder, then docker build.
# Usage: docker/build.sh [--base IMAGE] [--tag TAG] [--tarball FILE] [--label KEY=VALUE]...
#   --base     base image with Node 22.12+ at /usr/local/bin/node (default node:24-slim;
#              CI here: the image from docker/base-image.sh, as no image registry is reachable)
#   --tag      image tag (default mockidp:local)
#   --tarball  a tarball made by `npm pack` (default: packs this checkout)
#   --label    extra image label (repeatable)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="node:24-slim"
tag="mockidp:local"
tarball=""
labels=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --tarball) tarball="$2"; shift 2 ;;
    --label) labels+=(--label "$2"); shift 2 ;;
    *) echo "unknown option $1 (use --base IMAGE, --tag TAG, --tarball FILE, --label KEY=VALUE)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$tarball" ]; then
  (cd "$root" && npm pack --silent --pack-destination "$work" > /dev/null)
  tarball="$(ls "$work"/*.tgz)"
fi
[ -f "$tarball" ] || { echo "no tarball at $tarball" >&2; exit 2; }
version="$(tar -xOzf "$tarball" package/package.json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).version)')"

context="$work/context"
mkdir -p "$context/app"
cp "$tarball" "$context/app/mockidp.tgz"
printf '{ "name": "mockidp-image", "private": true, "dependencies": { "mockidp": "file:./mockidp.tgz" } }\n' > "$context/app/package.json"
# Production dependencies only; none of them builds native code, so no install scripts are needed.
(cd "$context/app" && npm install --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error > /dev/null)
rm "$context/app/mockidp.tgz"
cp "$root/docker/mock-idp.Dockerfile" "$context/Dockerfile"
docker build --quiet --network host --build-arg "BASE_IMAGE=$base" --label "org.opencontainers.image.version=$version" "${labels[@]}" -t "$tag" "$context" > /dev/null
echo "$tag"
