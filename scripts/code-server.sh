#!/usr/bin/env bash
# Installs code-server (a real VS Code workbench from the npm registry) once per version, outside the clone,
# and prints the install directory. Its postinstall downloads ripgrep from GitHub, which this network cannot
# reach, so the install runs in steps with Debian's ripgrep linked in (see shared/ENVIRONMENT.md).
# Needs the Debian packages libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep (.ci/run).
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${REMOTE_ASSIST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/remote-assist}"
DEST="$CACHE/code-server-$VERSION"
MARKER="$DEST/.installed"

log() { echo "code-server.sh: $*" >&2; }

mkdir -p "$CACHE"
# Two test runs starting together must not both install into the cache.
exec 9>"$CACHE/code-server-$VERSION.lock"
flock 9

if [ -f "$MARKER" ]; then
  echo "$DEST"
  exit 0
fi

command -v rg >/dev/null || { log "ripgrep (rg) is missing: apt-get install -y ripgrep"; exit 1; }

# A half-finished install is never reused: build in a scratch directory, move into place last.
rm -rf "$DEST" "$CACHE"/code-server-"$VERSION".tmp.*
WORK="$(mktemp -d "$CACHE/code-server-$VERSION.tmp.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

quiet() { "$@" --no-audit --no-fund --loglevel=error >&2; }

log "installing code-server $VERSION into $DEST (takes a few minutes)"
cd "$WORK"
npm pack "code-server@$VERSION" --silent >/dev/null
tar xzf "code-server-$VERSION.tgz"
rm "code-server-$VERSION.tgz"
cd package
quiet npm install --omit=dev --ignore-scripts
cd lib/vscode
quiet npm install --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# Builds node-pty and the other native modules; ripgrep sees bin/ and skips its download.
npm_config_yes=true npm rebuild --loglevel=error >&2
ln -sfn node_modules node_modules.asar
cd extensions
quiet npm install --omit=dev --ignore-scripts
cd ../../..
# The top-level postinstall itself fails here and is not needed; argon2 is the native module it would build.
npm_config_yes=true npm rebuild argon2 --loglevel=error >&2

# Even --version writes a default config and data dir: keep them in the scratch directory.
XDG_CONFIG_HOME="$WORK/xdg" XDG_DATA_HOME="$WORK/xdg" node out/node/entry.js --version >/dev/null
touch .installed
cd "$CACHE"
mv "$WORK/package" "$DEST"
log "installed $DEST"
echo "$DEST"
