/** A recording header for tests: one seed001 ATM, manual clock, replayable. */
import type { RecordingHeader } from './format.ts';

export function testHeader(over: Partial<RecordingHeader> = {}): RecordingHeader {
  return {
    recording: 'atm-rig',
    version: 1,
    contract: '1.0',
    seed: 1,
    start: 0,
    clock: 'manual',
    deterministicSecrets: true,
    masked: false,
    atms: [{ id: 'atm-1', profile: 'seed001', devices: {} }],
    customers: 'none',
    ...over,
  };
}
