#!/usr/bin/env node
// The atm-rig command. `npm install` builds the TypeScript sources once into dist/ (scripts/build.mjs), which starts
// in a fraction of the time; when a source is newer than that build (someone is editing), tsx compiles the sources
// on the fly instead, so the command never runs stale code.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function buildIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/manifest.json', root), 'utf8'));
    return inputs.length > 0 && inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

let cli;
if (process.env.ATM_RIG_FROM_SOURCE !== '1' && buildIsFresh()) cli = await import('../dist/cli.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('./cli.ts');
}
await cli.runCli(process.argv.slice(2));
