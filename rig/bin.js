#!/usr/bin/env node
// The atm-rig command. `npm install` builds the TypeScript sources once into dist/ (scripts/build.mjs), which starts
// in a fraction of the time; when a source is newer than that build (someone is editing), tsx compiles the sources
// on the fly instead, so the command never runs stale code.
import { buildIsFresh } from './build-freshness.js';

let cli;
if (process.env.ATM_RIG_FROM_SOURCE !== '1' && buildIsFresh()) cli = await import('../dist/cli.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('./cli.ts');
}
await cli.runCli(process.argv.slice(2));
