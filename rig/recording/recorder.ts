/**
 * Records the whole bus (and the serial traces) of a running rig as NDJSON (format.ts): an MQTT client like any
 * other, as the `rig.recorder` user, so it records from an external broker too. Each line is timed on the rig
 * clock when the message arrived. The file holds what a replay needs, typed PINs and OTPs included: it is written
 * mode 0600, like the bus keyring (docs/security.md); a report gets the masked copy (mask.ts).
 */
import { createWriteStream } from 'node:fs';
import type { RigClock } from '../../core/clock.ts';
import { connectBus } from '../../core/bus.ts';
import { recordedPayload, type BankLine, type RecordingHeader, type RecordLine } from './format.ts';

export interface Recorder {
  /** A serial trace line, into the recording at the rig clock's time. */
  serial(line: string): void;
  /** A change at the bank a replay must make too. */
  bank(note: BankLine['bank']): void;
  close(): Promise<void>;
}

export interface RecorderOptions {
  brokerUrl: string;
  credentials: { username: string; password: string };
  clock: RigClock;
  header: Omit<RecordingHeader, 'recording' | 'version' | 'start' | 'masked'>;
  /** The file to write (replaced), and/or a callback per line (the Cucumber world). */
  file?: string;
  onLine?: (line: RecordLine | RecordingHeader) => void;
}

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const start = options.clock.now();
  const header: RecordingHeader = { recording: 'atm-rig', version: 1, start, masked: false, ...options.header };
  const file = options.file ? createWriteStream(options.file, { flags: 'w', mode: 0o600 }) : undefined;
  let failed: Error | undefined;
  file?.on('error', (err) => {
    failed ??= err;
    process.emitWarning(`atm-rig: cannot write the recording to ${options.file}: ${err.message}`);
  });
  const emit = (line: RecordLine | RecordingHeader) => {
    file?.write(`${JSON.stringify(line)}\n`);
    options.onLine?.(line);
  };
  emit(header);
  const t = () => Math.max(0, options.clock.now() - start);

  const client = await connectBus(options.brokerUrl, 'recorder', options.credentials);
  client.on('message', (topic, buf, packet) => {
    emit({ t: t(), topic, payload: recordedPayload(buf), ...(packet.retain ? { retain: true as const } : {}) });
  });
  await client.subscribeAsync('#', { qos: 1 });
  return {
    serial: (line) => emit({ t: t(), serial: line }),
    bank: (note) => emit({ t: t(), bank: note }),
    async close() {
      await client.endAsync();
      if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
    },
  };
}
