/**
 * Where Node-RED comes from: flows/runtime, a package of its own (node-red and @flowfuse/node-red-dashboard at
 * pinned versions, with their own package-lock.json) that `npm run dashboard:install` installs. A plain
 * `npm install` of atm-rig leaves it out, so QA and hardware users who never open the dashboard do not get its
 * ~270 packages. Nothing here imports Node-RED: callers load it when they start it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder holding Node-RED and Dashboard 2.0 (flows/runtime/package.json pins them). */
export const RUNTIME_DIR = fileURLToPath(new URL('../flows/runtime/', import.meta.url));
const runtimeRequire = createRequire(join(RUNTIME_DIR, 'package.json'));
const requireFrom = (dir: string) => (dir === RUNTIME_DIR ? runtimeRequire : createRequire(join(dir, 'package.json')));

export const INSTALL_HINT = 'npm run dashboard:install';

/** The packages of the dashboard stack that are missing from `dir` (none when it is installed). */
export function missingNodeRed(dir = RUNTIME_DIR): string[] {
  return ['node-red', '@flowfuse/node-red-dashboard'].filter((name) => {
    try {
      return !existsSync(requireFrom(dir).resolve(`${name}/package.json`));
    } catch {
      return true;
    }
  });
}

/** Throws, saying how to install it, when the dashboard stack is not installed. */
export function assertNodeRed(dir = RUNTIME_DIR): void {
  const missing = missingNodeRed(dir);
  if (missing.length)
    throw new Error(
      `the dashboard needs Node-RED, which a plain npm install leaves out (${missing.join(' and ')} not found in flows/runtime). Install it once with: ${INSTALL_HINT}`,
    );
}

/** The path Node-RED's main module resolves to (for node-red-node-test-helper's init). */
export function nodeRedPath(): string {
  assertNodeRed();
  return runtimeRequire.resolve('node-red');
}

/** Node-RED itself, the process-wide singleton. */
export function loadNodeRed<T>(): T {
  return runtimeRequire(nodeRedPath()) as T;
}
