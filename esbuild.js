// Bundles every entry point: the extension, the server, the host process (Node) and the webviews (browser).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
/**
 * `--only server,helper` builds just dist/server.js and the helper's browser page it serves (as `npm run server`
 * does), with the same options as the full build.
 */
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const onlyNames = only === undefined ? undefined : only.split(',');

/**
 * vscode, native addons and the SQLite WebAssembly build (it loads its .wasm beside it) stay outside the
 * bundle and load from node_modules at run time; the tests and benchmarks bundle with the same list.
 */
const nodeExternals = require('./scripts/node-externals.json');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  external: nodeExternals,
  logLevel: 'info',
};

const browser = {
  bundle: true,
  platform: 'browser',
  target: 'chrome114',
  format: 'iife',
  sourcemap: true,
  minify: production,
  // simple-peer's dependencies expect Node's globals; the browser build provides the few it touches.
  define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
  logLevel: 'info',
};

/**
 * The extension loads the embedded server (with its SQLite and Redis code) on first use: the require in
 * src/session/EmbeddedServer.ts becomes a require of the separate dist/embedded-server.js, so activation does not parse or run it.
 */
const lazyServer = {
  name: 'lazy-embedded-server',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/server\/startServer$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'session', 'EmbeddedServer.ts')) ? { path: './embedded-server.js', external: true } : undefined,
    );
  },
};

/** [entry, outfile, options] for every bundle the product ships. */
const bundles = [
  ['src/extension.ts', 'dist/extension.js', { ...node, plugins: [lazyServer] }],
  ['src/server/startServer.ts', 'dist/embedded-server.js', node],
  ['src/server/main.ts', 'dist/server.js', node],
  ['src/host/main.ts', 'dist/host.js', node],
  ['src/webview/panel/main.ts', 'dist/webview/panel.js', browser],
  ['src/webview/chat/main.ts', 'dist/webview/chat.js', browser],
  ['src/webview/voice/worklet.ts', 'dist/webview/voice-worklet.js', browser],
  // the helper's page in a plain browser, served by the assistance server at /join
  ['src/browser/main.ts', 'dist/browser/helper.js', browser],
];

async function main() {
  const selected = onlyNames === undefined ? bundles : bundles.filter(([, outfile]) => onlyNames.includes(path.basename(outfile, '.js')));
  if (onlyNames !== undefined && selected.length !== onlyNames.length) throw new Error(`esbuild.js: no bundle named ${only}`);
  const contexts = [];
  for (const [entry, outfile, options] of selected) {
    if (!fs.existsSync(path.join(__dirname, entry))) {
      throw new Error(`esbuild.js: entry point ${entry} is missing`);
    }
    // a single bundle built before running it (npm run server) reports only warnings
    contexts.push(await esbuild.context({ ...options, entryPoints: [entry], outfile, ...(only ? { logLevel: 'warning' } : {}) }));
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

module.exports = { lazyServer };

// run as a script (node esbuild.js); the benchmarks only borrow the plugin
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
