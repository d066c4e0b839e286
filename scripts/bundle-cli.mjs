#!/usr/bin/env node
/**
 * `npm run bundle-cli` → out/cli/gainlab.mjs: the whole `gainlab` command line in one ES module
 * with its dependencies (zod, fflate, …) and the WebAssembly kernels (already base64 in
 * src-shared/model/wasm/*Wasm.ts) inlined, runnable with plain Node ≥ 20 and no node_modules — what
 * `gainlab sweep slurm` copies next to its sbatch script so compute nodes need only `node`.
 *
 * The sweep pool's worker threads start from the bundle itself (src-cli/gainlab.ts dispatches on
 * workerData), so the single file is all a node needs. Lazily loaded commands stay lazy (esbuild
 * wraps them in init functions instead of splitting chunks).
 *
 * Usage: node scripts/bundle-cli.mjs [OUT_FILE]   (default out/cli/gainlab.mjs)
 * Also importable: bundleCli(outFile) → { outFile, bytes, ms }.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deflateSync } from 'fflate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages only some commands use (echarts: the SVG figures of `gainlab experiment`) are kept in
 * the bundle deflated (base64) and evaluated on first use: its 4 MB of code would otherwise be
 * parsed at every start — every SLURM array task. Their function exports become forwarders that
 * load the package on the first call.
 */
const LAZY_PACKAGES = ['echarts'];

function lazyPackages() {
  return {
    name: 'lazy-packages',
    setup(pluginBuild) {
      const filter = new RegExp(`^(${LAZY_PACKAGES.join('|')})$`);
      pluginBuild.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-package' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-package' }, async (args) => {
        const bundled = await build({
          stdin: { contents: `module.exports = require(${JSON.stringify(args.path)});`, resolveDir: root, loader: 'js' },
          bundle: true,
          write: false,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          legalComments: 'none',
          logLevel: 'warning',
        });
        const code = bundled.outputFiles[0].text;
        const api = await import(args.path);
        const functions = Object.keys(api).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key) && typeof api[key] === 'function');
        const packed = Buffer.from(deflateSync(Buffer.from(code, 'utf8'), { level: 9 })).toString('base64');
        const contents = [
          "import { inflateSync, strFromU8 } from 'fflate';",
          `const packed = ${JSON.stringify(packed)};`,
          'let loaded = null;',
          'function load() {',
          '  if (!loaded) {',
          "    const source = strFromU8(inflateSync(Uint8Array.from(Buffer.from(packed, 'base64'))));",
          '    const module = { exports: {} };',
          "    new Function('module', 'exports', 'require', source)(module, module.exports, require);",
          '    loaded = module.exports;',
          '  }',
          '  return loaded;',
          '}',
          ...functions.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ].join('\n');
        return { contents, loader: 'js', resolveDir: root };
      });
    },
  };
}

export async function bundleCli(outFile = path.join(root, 'out', 'cli', 'gainlab.mjs')) {
  const started = Date.now();
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  await build({
    entryPoints: [path.join(root, 'src-cli', 'gainlab.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // electron is never reached from the CLI (scripts/check-boundaries.mjs); keep it out regardless
    external: ['electron'],
    define: { __GAINLAB_VERSION__: JSON.stringify(version), __GAINLAB_BUNDLE__: 'true' },
    banner: {
      // `require` for CommonJS dependencies inside an ES module
      js: "import { createRequire as __gainlabCreateRequire } from 'node:module';\nconst require = __gainlabCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyPackages()],
  });
  return { outFile, bytes: statSync(outFile).size, ms: Date.now() - started };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const result = await bundleCli(out);
  console.log(`bundle-cli: wrote ${path.relative(process.cwd(), result.outFile)} (${(result.bytes / 1024).toFixed(0)} kB) in ${result.ms} ms`);
}
