/** What a replay should say before it starts, about a recording it may not reproduce (docs/recording.md). */
import type { RecordingHeader } from './format.ts';

export function replayWarnings(header: RecordingHeader, bankFile: string | undefined): string[] {
  const out: string[] = [];
  if (!header.deterministicSecrets)
    out.push(
      'its OTP codes came from the CSPRNG, not the seed: a session that types an OTP diverges there (record with --record, which takes codes from the seed, or --clock manual)',
    );
  if (header.customers === 'unknown' && !bankFile)
    out.push(
      'the bank had customers when it was recorded; this replay starts with an empty bank: give --data <a copy of the bank file from before the run>',
    );
  return out;
}
