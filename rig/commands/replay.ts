/** `atm-rig replay <recording>`: play a recording's device side against a fresh controller and check what it sends. */
import type { Command } from 'commander';
import { examples, int, runs } from '../cli-args.ts';
import type { SessionState } from '../../machines/screens.ts';

interface ReplayCliOptions {
  data?: string;
  devicesOnly?: boolean;
  step?: boolean;
  wait?: string;
}

export function defineReplay(program: Command): void {
  const cmd = program
    .command('replay')
    .summary('replay a recording (atm-rig up --record) against a fresh controller; report the first divergence')
    .description(
      "Bring up a rig with the recording's seed, ATMs and profiles but no devices, play what each device said (in order, on the " +
        'rig clock), and check every command and session state the live controller sends against the recording. Exit 0 on a pass; ' +
        'on the first difference, exit 1 with the line of the recording, what was expected, what came, and the messages before it ' +
        '(secrets masked). docs/recording.md.',
    )
    .argument('<recording>', 'an NDJSON recording (atm-rig up --record run.ndjson)')
    .option('--devices-only', "play the devices' side and show what the controller does, checking nothing")
    .option('--step', 'with --devices-only: wait for Enter before each device message')
    .option('--wait <ms>', 'real time to wait for each message the controller should send (default 3000)')
    .option('--data <file>', 'start the bank from a copy of this bank file (a recording begun with customers in the bank)');
  examples(cmd, [
    ['atm-rig up --record run.ndjson', 'record a run (real modules or virtual)'],
    ['atm-rig replay run.ndjson', 'the same run with no hardware: exit 0 when the controller does as recorded'],
    ['atm-rig replay run.ndjson --devices-only --step', "step through the devices' side, watching the controller"],
  ]);
  cmd.action(
    runs(async (file: string, opts: ReplayCliOptions) => {
      const { readFile } = await import('node:fs/promises');
      const { createInterface } = await import('node:readline/promises');
      const { parseRecording } = await import('../recording/format.ts');
      const { replay } = await import('../recording/replay.ts');
      const { describeDivergence } = await import('../recording/divergence.ts');
      const { formatMessage } = await import('../bus-trace.ts');
      const { replayWarnings } = await import('../recording/replay-warnings.ts');
      if (opts.step && !opts.devicesOnly) throw new Error('--step goes with --devices-only (a checked replay runs straight through)');
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read the recording ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      const recording = parseRecording(text, file);
      const waitMs = int('wait', opts.wait);
      // Keys typed while the session masks its input are shown as *, as in every trace.
      let session: SessionState | undefined;
      const show = (topic: string, payload: unknown, at = '') => {
        if (topic.endsWith('/session/state')) session = payload as SessionState;
        const line = formatMessage(topic, payload, session, at);
        if (line) console.log(line.trim());
      };
      for (const warning of replayWarnings(recording.header, opts.data)) console.error(`note: ${warning}`);
      const prompt = opts.step ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
      const tty = process.stderr.isTTY;
      let lastShown = -1;
      try {
        const result = await replay(recording, {
          ...(opts.devicesOnly ? { devicesOnly: true, onController: show } : {}),
          ...(waitMs !== undefined ? { waitMs } : {}),
          ...(opts.data ? { bankFile: opts.data } : {}),
          ...(prompt
            ? {
                beforeDevice: async (line, index) => {
                  show(line.topic, line.payload, `line ${index + 2} +${(line.t / 1000).toFixed(3)}s`);
                  await prompt.question('  Enter: play it ');
                },
              }
            : {}),
          onProgress: (done, total) => {
            const pct = Math.floor((100 * done) / Math.max(1, total));
            if (tty && !opts.devicesOnly && pct !== lastShown)
              process.stderr.write(`\rreplaying ${file}: ${pct}% (${done}/${total} lines)`);
            lastShown = pct;
          },
        });
        if (tty && !opts.devicesOnly) process.stderr.write('\n');
        if (result.divergence) {
          console.error(describeDivergence(result.divergence, file));
          return 1;
        }
        console.log(
          opts.devicesOnly
            ? `played ${result.played} device messages`
            : `replayed to a pass: ${result.played} device messages played, ${result.checked} controller messages as recorded`,
        );
        return 0;
      } finally {
        prompt?.close();
      }
    }),
  );
}
