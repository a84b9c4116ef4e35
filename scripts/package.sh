#!/usr/bin/env bash
# Builds every bundle for production and packs the extension into remote-assist.vsix with @vscode/vsce.
# The native modules (@roamhq/wrtc, better-sqlite3) ship inside the .vsix; .vscodeignore lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.js --production >&2
# The native modules are built for this machine: mark the .vsix for its platform (e.g. linux-x64).
TARGET="$(node -p 'process.platform + "-" + process.arch')"
# No public repository or LICENSE file yet: say so instead of answering vsce's prompts.
npx vsce package --target "$TARGET" --no-update-package-json --allow-missing-repository --skip-license --out remote-assist.vsix >&2
echo "$PWD/remote-assist.vsix"
