#!/usr/bin/env bash
# Builds deploy/Dockerfile into local container storage with buildah, without a Docker daemon:
# `--isolation chroot` (buildah's OCI isolation needs cgroups that this kind of machine does not
# offer) and the storage driver $STORAGE_DRIVER (default overlay; vfs works where overlay mounts do
# not, about three times slower). Prints the image name last.
#
#   scripts/build-image.sh [IMAGE]        default IMAGE: localhost/amko-federation:dev
#
# The Node base: $NODE_IMAGE when set (e.g. your registry's mirror of node:24-slim), else
# docker.io/library/node:24-slim when the registry answers, else a local stand-in built here:
# Debian bookworm (debootstrap from the Debian mirror the machine's apt uses), the Node 24 binary
# of scripts/use-node24.sh, the running npm, a `node` user 1000:1000 as in node:24-slim, and this
# machine's CA bundle when NODE_EXTRA_CA_CERTS names one (an intercepting egress proxy). The
# stand-in is for building and running the image on machines without Docker Hub, not for release.
set -euo pipefail
cd "$(dirname "$0")/.."
image="${1:-localhost/amko-federation:dev}"
S=(--storage-driver "${STORAGE_DRIVER:-overlay}")
STANDIN=localhost/amko-node-standin:24-slim

log() { echo "build-image: $*" >&2; }

build_standin() {
  local rootfs=.tools/image-rootfs-bookworm node npm_dir container mount
  # shellcheck source=./use-node24.sh
  . scripts/use-node24.sh >/dev/null 2>&1
  node="$(command -v node)"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  if [ ! -x "$rootfs/bin/sh" ]; then
    log "debootstrap bookworm (minbase) into $rootfs"
    rm -rf "$rootfs.tmp"
    debootstrap --variant=minbase bookworm "$rootfs.tmp" http://deb.debian.org/debian >/dev/null
    mv "$rootfs.tmp" "$rootfs"
  fi
  container="$(buildah "${S[@]}" from scratch)"
  mount="$(buildah "${S[@]}" mount "$container")"
  cp -a "$rootfs/." "$mount/"
  install -m 755 "$node" "$mount/usr/local/bin/node"
  mkdir -p "$mount/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$mount/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mount/usr/local/bin/npm"
  chroot "$mount" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  local config=(--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node)
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 644 "$NODE_EXTRA_CA_CERTS" "$mount/etc/ssl/certs/egress-ca-bundle.crt"
    config+=(--env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/egress-ca-bundle.crt --env npm_config_cafile=/etc/ssl/certs/egress-ca-bundle.crt)
  fi
  buildah "${S[@]}" config "${config[@]}" "$container"
  buildah "${S[@]}" umount "$container" >/dev/null
  buildah "${S[@]}" commit -q "$container" "$STANDIN" >/dev/null
  buildah "${S[@]}" rm "$container" >/dev/null
}

base="${NODE_IMAGE:-}"
if [ -z "$base" ]; then
  if buildah "${S[@]}" pull -q docker.io/library/node:24-slim >/dev/null 2>&1; then
    base=docker.io/library/node:24-slim
  else
    log "docker.io/library/node:24-slim cannot be pulled here; using the local stand-in $STANDIN"
    buildah "${S[@]}" inspect --type image "$STANDIN" >/dev/null 2>&1 || build_standin
    base="$STANDIN"
  fi
fi
log "building $image on $base"
buildah "${S[@]}" bud --quiet --layers --isolation chroot --build-arg "NODE_IMAGE=$base" -f deploy/Dockerfile -t "$image" . >&2
echo "$image"
