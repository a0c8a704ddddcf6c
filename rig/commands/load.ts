/** `atm-rig load`: many virtual ATMs, one simulated customer each, through real MQTT and HTTP; a report with plots. */
import type { Command } from 'commander';
import { describeOption, examples, int, runs, withOptions, type RigOptions } from '../cli-args.ts';

interface LoadCliOptions extends RigOptions {
  atms?: string;
  broker?: string;
  sessions?: string;
  duration?: string;
  rate?: string;
  mix?: string;
  out?: string;
}

export function defineLoad(program: Command): void {
  const cmd = program
    .command('load')
    .summary('drive many virtual ATMs with simulated customers: atm-rig load --atms 50 --sessions 1000')
    .description(
      'Start a rig with N virtual seed001 ATMs on a seeded population (atm-rig seed --customers), put one simulated customer at ' +
        'each, and run sessions back to back through real MQTT and HTTP: M sessions, or for a duration, optionally paced. A live ' +
        'progress line; at the end a table, an HTML report with plots (reports/load.html), and the ledger check (every touched ' +
        "account's ledger equals its balance; every dispensed note debited once). Exit 1 when the ledger check fails.",
    )
    .option('--atms <n|ids>', "virtual ATMs (default 10); with --broker, the lab's ATMs: atm-1..atm-200, atm-1,atm-7 or a count")
    .option('--broker <url>', "drive a lab's ATMs on this broker (atm-rig atms; docs/roles.md) instead of starting ATMs of its own")
    .option('--sessions <m>', 'sessions in all (default 100, or as many as fit the duration)')
    .option('--duration <d>', 'run for this long instead: 30s, 2m')
    .option('--rate <r>', 'start at most r sessions a second in all (default: as fast as the ATMs go)')
    .option(
      '--mix <mix>',
      'kinds of session and their shares (default happy=0.8,wrong-pin=0.1,wrong-finger=0.05,otp-expired=0.03,cancel=0.02)',
    )
    .option('--out <file>', 'the HTML report (default reports/load.html; the figures beside it as .json)');
  withOptions(cmd, 'data', 'hash-cost', 'seed');
  describeOption(
    cmd,
    '--hash-cost',
    "scrypt cost as log2(N) of the OTPs the run's own bank makes (default 10); the PINs keep the cost they were seeded with",
  );
  examples(cmd, [
    ['atm-rig seed --customers 10000 --data load/bank.sqlite --hash-cost 10', 'first, a population (test credentials beside it)'],
    ['atm-rig load --data load/bank.sqlite --hash-cost 10 --atms 50 --sessions 1000', '1,000 sessions on 50 ATMs'],
    ['atm-rig load --data load/bank.sqlite --atms 200 --duration 2m --rate 100 --mix happy=0.9,wrong-pin=0.1', 'paced, for two minutes'],
    ['atm-rig load --broker mqtt://lab:1883 --atms atm-1..atm-100 --data lab/bank.sqlite --sessions 500', "a lab's ATMs (docs/roles.md)"],
  ]);
  cmd.action(
    runs(async (opts: LoadCliOptions) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      const { DEFAULT_MIX, LAB_MIX, parseMix } = await import('../load/mix.ts');
      const { runLoad } = await import('../load/run-load.ts');
      const { progressText, statsOf, statsTableText } = await import('../load/stats.ts');
      const { checkLedgers } = await import('../load/ledger-check.ts');
      const { loadReportHtml } = await import('../load/report.ts');
      const { freshSeed } = await import('../../core/random.ts');
      const { paint } = await import('../ui.ts');
      const paintWarning = (text: string) => paint('yellow', text);
      if (!opts.data || opts.data === ':memory:')
        throw new Error('load needs --data: a bank file with a population (atm-rig seed --customers N --data FILE)');
      const { parseAtmIds } = await import('../atm-ids.ts');
      const atmIds = parseAtmIds(opts.atms ?? '10');
      const atms = atmIds.length;
      if (!opts.broker && atms > 1000)
        throw new Error('--atms: at most 1000 ATMs in a rig of its own; run more on ATM hosts (docs/roles.md)');
      if (opts.broker && !/^(mqtts?|wss?|tcp):\/\/[^/]+/.test(opts.broker))
        throw new Error(`--broker ${opts.broker}: a broker URL, like mqtt://lab:1883`);
      const durationMs = opts.duration === undefined ? undefined : parseDuration(opts.duration);
      const sessions = int('sessions', opts.sessions) ?? (durationMs === undefined ? 100 : undefined);
      const rate = opts.rate === undefined ? undefined : Number(opts.rate);
      if (rate !== undefined && !(rate > 0)) throw new Error(`--rate ${opts.rate}: sessions a second, more than 0`);
      const mix = parseMix(opts.mix ?? (opts.broker ? LAB_MIX : DEFAULT_MIX));
      if (opts.broker && mix.some(([kind]) => kind === 'otp-expired'))
        throw new Error(
          "--mix otp-expired: a lab's ATMs keep their profile's OTP lifetime, which a load run cannot wait out; leave it out with --broker",
        );
      const seed = int('seed', opts.seed) ?? freshSeed();
      const tty = process.stderr.isTTY;
      let lastLine = 0;
      const hashLogN = int('hash-cost', opts.hashCost) ?? 10;
      // Ctrl-C (or a SIGTERM) stops starting sessions; the ones under way finish, then the figures and the ledger
      // check as after a whole run. A second one quits at once.
      const stop = new AbortController();
      const onStop = () => {
        if (stop.signal.aborted) process.exit(130);
        process.stderr.write('\nstopping: the sessions under way finish, then the figures and the ledger check (again to quit now)\n');
        stop.abort();
      };
      process.on('SIGINT', onStop);
      process.on('SIGTERM', onStop);
      const { results, target, elapsedMs, startedAt, skipped, pinHashLogN, late, interrupted } = await runLoad({
        signal: stop.signal,
        onStart: (n) => console.error(`${n} ATMs ready; sessions under way (Ctrl-C stops them, then reports)`),
        data: opts.data,
        atms,
        atmIds,
        ...(opts.broker ? { brokerUrl: opts.broker } : {}),
        ...(sessions !== undefined ? { sessions } : {}),
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(rate !== undefined ? { rate } : {}),
        mix,
        seed,
        hashLogN,
        onProgress: (r, ms) => {
          // A line a second on a terminal (redrawn), one each ten seconds in a log.
          if (!tty && ms - lastLine < 10_000) return;
          lastLine = ms;
          process.stderr.write(tty ? `\r${progressText(r, ms)}\u001b[K` : `${progressText(r, ms)}\n`);
        },
      });
      if (tty) process.stderr.write('\n');
      if (interrupted) console.error(paintWarning(`stopped early: ${results.length} sessions ran`));
      else if (sessions !== undefined && results.length < sessions)
        console.error(paintWarning(`${results.length} sessions, not ${sessions}: each customer of the population runs one session a run`));
      const ledgers = await target.ledgers().catch(async (err: unknown) => {
        await target.close();
        throw err;
      });
      try {
        const stats = statsOf(results, elapsedMs);
        const ledgerProblems = checkLedgers(ledgers.bank, results, startedAt);
        console.log(statsTableText(stats));
        console.log(
          `hash costs (scrypt log2 N): PINs ${pinHashLogN ?? 'unknown'} as seeded${opts.broker ? '' : `, OTPs ${hashLogN} (--hash-cost)`}`,
        );
        if (late.sessions)
          console.error(
            paintWarning(
              `${late.sessions} of ${results.length} sessions started late (up to ${(late.maxMs / 1000).toFixed(1)} s): --rate ${rate} is more than ${atms} ATMs, or this machine, run (more --atms, a lower --rate, or another host)`,
            ),
          );
        if (skipped)
          console.log(`passed over ${skipped} customer(s) whose account could not pay a withdrawal (seeded low, or spent by earlier runs)`);
        const settings = {
          ...(skipped ? { 'customers passed over': skipped } : {}),
          ATMs: atms,
          ...(opts.broker ? { broker: opts.broker } : {}),
          seed,
          mix: mix.map(([k, w]) => `${k}=${w.toFixed(2)}`).join(','),
          bank: opts.data,
          ...(rate ? { rate } : {}),
          ...(late.sessions ? { 'sessions started late': late.sessions } : {}),
          // What a session's hashes cost weighs on every figure (docs/performance.md): said beside them.
          ...(pinHashLogN !== undefined ? { 'PIN hash cost (scrypt logN)': pinHashLogN } : {}),
          ...(opts.broker ? {} : { 'OTP hash cost (scrypt logN)': hashLogN }),
        };
        const out = opts.out ?? 'reports/load.html';
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, loadReportHtml({ title: `atm-rig load: ${atms} ATMs`, stats, results, elapsedMs, ledgerProblems, settings }));
        await writeFile(
          out.replace(/\.html?$/, '') + '.json',
          JSON.stringify({ settings, startedAt, stats, elapsedMs, ledgerProblems, results }, null, 1),
        );
        console.log(`report: ${out}`);
        if (ledgerProblems.length) {
          console.error(`ledger check FAILED:\n  ${ledgerProblems.slice(0, 20).join('\n  ')}`);
          return 1;
        }
        console.log(`ledger check: every touched account's ledger equals its balance; every dispensed note debited once`);
        return 0;
      } finally {
        await ledgers.close();
        await target.close();
      }
    }),
  );
}

/** `30s`, `2m`, `1h`, `1500ms` -> ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`--duration ${text}: give 30s, 2m, 1h or 1500ms`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
}
