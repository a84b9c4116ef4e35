#!/usr/bin/env bash
# npm run package [-- --target <linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64|all>]: one .vsix per
# target with only that platform's native binaries (scripts/package/main.ts). Without a target: this machine's
# platform, as remote-assist.vsix. Prints one JSON line per .vsix (target, path, size in bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node_modules/.bin/tsx scripts/package/main.ts "$@"
