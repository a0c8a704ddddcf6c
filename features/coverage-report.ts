/**
 * npm run coverage:paths [-- --profiles seed001,seed002 --strict]
 *
 * Transition coverage of the session statechart by the Gherkin suite (run `npm run features` first). For each
 * profile: covered/total transitions, the uncovered ones with the shortest event path that reaches their source
 * state (a hint for the scenario to write), and the transitions the profile cannot take, with the reason.
 * With --strict it exits 1 when a listed profile is not fully covered.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listTransitions, notApplicable } from '../machines/coverage.ts';
import { BUILT_IN_PROFILES, parseProfile, type AuthProfile } from '../machines/profiles.ts';
import { sessionMachine } from '../machines/session.machine.ts';
import { COVERAGE_DIR } from './coverage-dir.ts';

const { values } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'seed001,seed002' },
    strict: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const wanted = values.profiles.split(',').filter(Boolean);

const recorded = new Map<string, { profile: AuthProfile; keys: Set<string> }>();
if (existsSync(COVERAGE_DIR)) {
  for (const file of readdirSync(COVERAGE_DIR).filter((f) => f.startsWith('transitions-') && f.endsWith('.json'))) {
    for (const { profile, keys } of JSON.parse(readFileSync(`${COVERAGE_DIR}/${file}`, 'utf8')) as {
      profile: AuthProfile;
      keys: string[];
    }[]) {
      const entry = recorded.get(profile.id) ?? { profile: parseProfile(profile), keys: new Set<string>() };
      keys.forEach((k) => entry.keys.add(k));
      recorded.set(profile.id, entry);
    }
  }
}

const all = listTransitions(sessionMachine);
let failed = false;
const ids = [...new Set([...wanted, ...recorded.keys()])];
for (const id of ids) {
  const profile = recorded.get(id)?.profile ?? BUILT_IN_PROFILES[id];
  if (!profile) continue;
  const keys = recorded.get(id)?.keys ?? new Set<string>();
  const applicable = all.filter((t) => !notApplicable(profile, t));
  const excluded = all.filter((t) => notApplicable(profile, t));
  const uncovered = applicable.filter((t) => !keys.has(t.key));
  const covered = applicable.length - uncovered.length;
  const pct = applicable.length ? Math.floor((covered * 100) / applicable.length) : 100;
  const mark = uncovered.length === 0 ? '✔' : wanted.includes(id) ? '✘' : '·';
  console.log(
    `${mark} ${id}: ${covered}/${applicable.length} transitions covered (${pct}%), ${excluded.length} cannot fire under this profile`,
  );
  if (wanted.includes(id) || values.verbose)
    for (const t of uncovered)
      console.log(`    uncovered: ${t.source} --${t.event}${t.guard ? ` [${t.guard}]` : ''}--> ${t.targets.join(', ') || '(stays)'}`);
  if (values.verbose) for (const t of excluded) console.log(`    n/a: ${t.source} --${t.event} [${t.guard}]: ${notApplicable(profile, t)}`);
  if (uncovered.length && wanted.includes(id)) failed = true;
}
if (recorded.size === 0) console.log(`no coverage recorded in ${COVERAGE_DIR}: run npm run features first`);
process.exit(values.strict && failed ? 1 : 0);
