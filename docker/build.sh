#!/usr/bin/env bash
# Builds the mockidp image: a context with the sources and production dependencies, then docker build.
# Usage: docker/build.sh [--base IMAGE] [--tag TAG]
#   --base  base image with Node 24 (default node:24-slim; CI: the image from docker/base-image.sh)
#   --tag   image tag (default mockidp:local)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="node:24-slim"
tag="mockidp:local"
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    *) echo "unknown option $1 (use --base IMAGE, --tag TAG)" >&2; exit 2 ;;
  esac
done

context="$root/docker/.context"
rm -rf "$context"
mkdir -p "$context"
for item in package.json package-lock.json bin mock-idp harness components scenarios fixtures; do
  [ -e "$root/$item" ] && cp -R "$root/$item" "$context/"
done
# Production dependencies only, installed with the project's pinned Node 24 (npm itself may run on Node 20).
npm_cli="$(readlink -f "$(command -v npm)")"
(cd "$context" && "$root/node_modules/.bin/node" "$npm_cli" ci --omit=dev --ignore-scripts --no-audit --no-fund > /dev/null)
find "$context" -name '*.test.ts' -delete
docker build --quiet --network host --build-arg "BASE_IMAGE=$base" -t "$tag" -f "$root/docker/mock-idp.Dockerfile" "$context" > /dev/null
echo "$tag"
