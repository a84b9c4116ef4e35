#!/usr/bin/env bash
# Builds every bundle for production and packs the extension into remote-assist.vsix with @vscode/vsce.
# The native modules (@roamhq/wrtc, better-sqlite3) ship inside the .vsix; .vscodeignore lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.js --production >&2
# No public repository or LICENSE file yet: say so instead of answering vsce's prompts.
npx vsce package --no-update-package-json --allow-missing-repository --skip-license --out remote-assist.vsix >&2
echo "$PWD/remote-assist.vsix"
