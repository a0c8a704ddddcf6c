/**
 * Each scenario's recording (docs/recording.md): attached to the report masked, named "recording (NDJSON, rig
 * clock, secrets masked)". With ATM_RIG_RECORD_DIR=<dir> the whole recording is also written there, replayable
 * (`atm-rig replay`): that is how a run on real modules becomes a regression test (docs/recording.md).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskRecording } from '../../rig/recording/mask.ts';
import type { AtmWorld } from './world.ts';

export async function attachRecording(world: AtmWorld, scenario: string): Promise<void> {
  const { header, lines } = world.recording;
  if (!header) return;
  world.attach(maskRecording(header, lines), {
    mediaType: 'application/x-ndjson',
    fileName: 'recording (NDJSON, rig clock, secrets masked)',
  });
  const dir = process.env.ATM_RIG_RECORD_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const name = scenario
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .toLowerCase();
  const text = [header, ...lines].map((l) => JSON.stringify(l)).join('\n') + '\n';
  await writeFile(join(dir, `${name}.ndjson`), text, { mode: 0o600 });
}
