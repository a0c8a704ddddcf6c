/** `atm-rig replay <recording>`: play a recording's device side against a fresh controller and check what it sends. */
import type { Command } from 'commander';
import { examples, int, runs } from '../cli-args.ts';

interface ReplayCliOptions {
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
    .option('--wait <ms>', 'real time to wait for each message the controller should send (default 3000)');
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
      if (opts.step && !opts.devicesOnly) throw new Error('--step goes with --devices-only (a checked replay runs straight through)');
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read the recording ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
      });
      const recording = parseRecording(text, file);
      const waitMs = int('wait', opts.wait);
      const show = (topic: string, payload: unknown) => {
        const line = formatMessage(topic, payload, undefined, '');
        if (line) console.log(line.trim());
      };
      const prompt = opts.step ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
      const tty = process.stderr.isTTY;
      let lastShown = -1;
      try {
        const result = await replay(recording, {
          ...(opts.devicesOnly ? { devicesOnly: true, onController: show } : {}),
          ...(waitMs !== undefined ? { waitMs } : {}),
          ...(prompt
            ? {
                beforeDevice: async (line) => {
                  show(line.topic, line.payload);
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
