// Builds the atm-rig command once (npm install runs this as `prepare`): rig/cli.ts and everything it loads, bundled
// by esbuild into dist/, one chunk per lazily loaded command, with the packages it loads bundled too (resolving and
// reading some 1,500 files of node_modules was a third of `atm-rig up`'s start; docs/performance.md). Native modules
// and what a command loads only on demand stay in node_modules. rig/bin.js runs the
// build when no source has changed since, and the sources through tsx otherwise (a developer's edits are never
// shadowed by a stale build). dist/manifest.json lists the sources the build read, and the package files: an
// `npm install` of another version also makes the build stale. ATM_RIG_BUILD_DIR builds elsewhere (the bundle's test).
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
// Taken before the build reads anything: a file saved during the build is newer, so the build counts as stale.
const builtAt = Date.now();
const outdir = process.env.ATM_RIG_BUILD_DIR ?? 'dist';
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: { cli: 'rig/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Native bindings, and packages that find files beside themselves at run time, are loaded from node_modules.
  external: [
    'better-sqlite3',
    'serialport',
    '@serialport/*',
    'node-red',
    'playwright-core',
    'tsx',
    'tsx/*',
    'esbuild',
    'bufferutil',
    'utf-8-validate',
    'pino',
    'thread-stream',
    // A CommonJS package imported on demand: bundled, its named exports would be lost (only a default is made).
    'selfsigned',
  ],
  // The bundled CommonJS packages call require() and read __dirname: give the ES modules both.
  banner: {
    js: [
      "import { createRequire as __atmRigRequire } from 'node:module';",
      "import { fileURLToPath as __atmRigPath } from 'node:url';",
      'const require = __atmRigRequire(import.meta.url);',
      'const __filename = __atmRigPath(import.meta.url);',
      "const __dirname = __atmRigPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  metafile: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
const sources = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
const packages = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'].filter((f) => existsSync(f));
await writeFile(`${outdir}/manifest.json`, JSON.stringify({ builtAt, inputs: [...sources, ...packages] }, null, 1) + '\n');
console.log(`atm-rig: built ${outdir}/ from ${sources.length} sources (npm run build; rig/bin.js uses it while they are unchanged)`);
