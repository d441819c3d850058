#!/usr/bin/env bash
# Installs code-server (a real VS Code 1.100.3 that runs on Node 20) into .vscode-test/code-server,
# for the extension-host and packaging tests. Idempotent: a second run with the same version
# returns at once. Needs the Debian packages libkrb5-dev, pkg-config and ripgrep (see .ci/run).
# Why each step: ../../../../shared/TESTING.md ("A real VS Code: code-server from npm").
set -euo pipefail
cd "$(dirname "$0")/../../.."

CODE_SERVER_VERSION=4.100.3
# The @vscode/ripgrep that code-server 4.100.3 pins, and the ripgrep release tag its postinstall wants.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_TAG=v13.0.0-10

dest=.vscode-test/code-server
marker="$dest/node_modules/code-server/lib/vscode/out/server-main.js"
if [ -f "$marker" ] && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$dest/node_modules/code-server/package.json" 2>/dev/null; then
  echo "code-server $CODE_SERVER_VERSION already installed in $dest"
  exit 0
fi

for tool in rg pkg-config; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install ripgrep pkg-config libkrb5-dev" >&2; exit 1; }
done
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ] || { echo "missing libkrb5-dev (kerberos headers)" >&2; exit 1; }

# @vscode/ripgrep's postinstall downloads rg from GitHub unless the release archive is already
# in its cache folder under TMPDIR: hand it Debian's rg packed the way the release is.
export TMPDIR="$PWD/.vscode-test/tmp"
cache="$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
mkdir -p "$cache" "$dest"
archive="$cache/ripgrep-$RIPGREP_TAG-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$archive" -C "$staging" rg
  rm -rf "$staging"
fi

# Its own package.json, so npm does not walk up into the project's.
[ -f "$dest/package.json" ] || echo '{ "name": "dispatch-vscode-test", "private": true }' > "$dest/package.json"

start=$(date +%s)
# unsafe_perm: code-server's postinstall refuses to run as root otherwise; yes: node-pty's
# postinstall runs `npx node-gyp`, which must not stop to ask.
npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$dest" --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION"
echo "code-server $CODE_SERVER_VERSION installed in $dest in $(( $(date +%s) - start ))s"
