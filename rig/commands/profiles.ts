/** `atm-rig profiles`: the built-in auth profiles. */
import type { Command } from 'commander';
import { examples, runs } from '../cli-args.ts';

export function defineProfiles(program: Command): void {
  const cmd = program
    .command('profiles')
    .summary('list the built-in auth profiles')
    .description(
      'List the built-in auth profiles: their id (for --profile), name, tiers and description. A profile can also be a JSON file: docs/profiles.md.',
    );
  examples(cmd, [
    ['atm-rig profiles', 'seed000, seed001, seed002 and their tiers'],
    ['atm-rig up --profile seed002', 'run the rig with one of them'],
  ]);
  cmd.action(
    runs(async () => {
      const { BUILT_IN_PROFILES } = await import('../../machines/profiles.ts');
      const { paint } = await import('../ui.ts');
      for (const p of Object.values(BUILT_IN_PROFILES)) {
        console.log(`${paint('bold', p.id)}  ${p.name}\n  tiers: ${p.tiers.map((t) => t.kind).join(' -> ')}\n  ${p.description}\n`);
      }
      return 0;
    }),
  );
}
