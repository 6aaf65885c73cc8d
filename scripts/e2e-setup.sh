#!/usr/bin/env bash
# Installs what the editor tests need: Debian packages (Chromium for Playwright, Neovim, the build tools
# that code-server's native modules compile with) and code-server 4.100.3 (VS Code 1.100.3, the newest
# that runs on Node 20) under .e2e/code-server, outside the project's node_modules. Reuses an existing
# build. Works offline except for Debian's mirror and the npm registry.
# Usage: scripts/e2e-setup.sh [--no-apt]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CS_VERSION=4.100.3
CS_DIR="$ROOT/.e2e/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
# Trap 3: code-server writes config and logs under $HOME on every call; keep them in a scratch folder.
export XDG_CONFIG_HOME="$ROOT/.e2e/home/config" XDG_DATA_HOME="$ROOT/.e2e/home/data" XDG_CACHE_HOME="$ROOT/.e2e/home/cache"

if [[ "${1:-}" != "--no-apt" ]]; then
  pkgs=(build-essential python3 pkg-config libkrb5-dev ripgrep chromium fonts-liberation neovim)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    echo "e2e-setup: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}"
  fi
fi

if [[ -x "$CS_BIN" ]] && "$CS_BIN" --version >/dev/null 2>&1; then
  echo "e2e-setup: code-server already installed: $("$CS_BIN" --version | head -1)"
  exit 0
fi

mkdir -p "$CS_DIR"
# Trap 1: @vscode/ripgrep's post-install downloads ripgrep from GitHub unless its cache holds the archive;
# a failed download rolls back the whole install. Put Debian's rg into that cache.
TMP="${TMPDIR:-/tmp}"
RG_CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$RG_TGZ" ]]; then
  mkdir -p "$RG_CACHE"
  stage="$(mktemp -d)"
  cp /usr/bin/rg "$stage/rg"
  tar -C "$stage" -czf "$RG_TGZ" rg
  rm -rf "$stage"
fi

cd "$CS_DIR"
[[ -f package.json ]] || echo '{"name":"ptx-e2e-code-server","private":true}' > package.json
# Trap 2: node-pty's post-install runs `npx node-gyp`, which needs npm_config_yes. Node's headers are in
# /usr/include/node (npm_config_nodedir=/usr), so nothing is downloaded for the native builds.
npm_config_yes=true npm_config_nodedir=/usr npm install --unsafe-perm=true --no-audit --no-fund \
  "code-server@$CS_VERSION"
"$CS_BIN" --version | head -1
