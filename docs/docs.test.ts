// The docs list every route and every topic the code defines, so they cannot silently drift.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../devices/contract.ts';
import { buildBankApp } from '../rig/bank/app.ts';
import { createBankService } from '../rig/bank/index.ts';

const read = (name: string) => readFile(new URL(name, import.meta.url), 'utf8');

describe('docs', () => {
  it('docs/api.md lists every route of the bank', async () => {
    const app = await buildBankApp({ bank: await createBankService({ file: ':memory:' }) });
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const md = await read('./api.md');
    const missing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .map((m) => `${m.toUpperCase()} ${path}`)
        .filter((route) => {
          const [method, p] = route.split(' ');
          return !new RegExp(`\\| ${method} \\| \`${p!.replace(/[{}]/g, '\\$&')}[?\`]`).test(md);
        }),
    );
    await app.close();
    expect(missing).toEqual([]);
  });

  it('docs/topics.md lists every command, event and simulated action of every device', async () => {
    const md = await read('./topics.md');
    const missing: string[] = [];
    for (const [device, contract] of Object.entries(CONTRACT)) {
      const section = md.split(/^### /m).find((s) => s.startsWith(device)) ?? '';
      for (const channel of ['cmd', 'evt', 'sim'] as const) {
        for (const name of Object.keys(contract[channel])) {
          if (!section.includes(`| ${channel} | \`${name}\``)) missing.push(`${device} ${channel}/${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('docs/steps.md', () => {
  it('is what the step definitions generate, and lists no step that no feature uses', () => {
    // A child process: cucumber's support-code loader must not share module instances with vitest.
    const script = fileURLToPath(new URL('../features/steps-catalogue.ts', import.meta.url));
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', script, '--check'], { stdio: 'pipe' })).not.toThrow();
  }, 60_000);
});
