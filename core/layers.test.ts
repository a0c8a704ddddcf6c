// The layers (docs/architecture.md): core/ is the ground floor and imports nothing of atm-rig above it; machines/
// and devices/ stand on core/ alone; the rig wires them; features/ and flows/ drive the rig from outside. A file
// that reaches upward fails here, with the line that does it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  machines: ['core', 'machines'],
  devices: ['core', 'devices'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Every relative import of a file, as the top-level folder it lands in. */
function reaches(file: string): { line: number; spec: string; layer: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      const m = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/.exec(text);
      if (!m) return [];
      const target = relative(root, normalize(join(file, '..', m[1]!)));
      return [{ line: i + 1, spec: m[1]!, layer: target.split('/')[0]! }];
    });
}

describe('layers', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`${layer}/ imports only ${allowed.join(' and ')}`, () => {
      const upward = sources(join(root, layer)).flatMap((file) =>
        reaches(file)
          .filter((r) => !allowed.includes(r.layer))
          .map((r) => `${relative(root, file)}:${r.line} imports ${r.spec} (${r.layer}/)`),
      );
      expect(upward).toEqual([]);
    });
  }
});
