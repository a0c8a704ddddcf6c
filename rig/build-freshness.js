// Is dist/ (scripts/build.mjs) newer than every source it was built from? Plain JavaScript: rig/bin.js asks before
// anything is compiled, and the start-up bench asks to say which of the two it measured.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

export function buildIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/manifest.json', root), 'utf8'));
    return inputs.length > 0 && inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}
