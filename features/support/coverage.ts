/**
 * Records which session-machine transitions the scenarios take (through XState's inspection API), per profile,
 * and writes them to reports/coverage/ when the run ends. `npm run coverage:paths` reads them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { AfterAll } from '@cucumber/cucumber';
import type { InspectionEvent } from 'xstate';
import { transitionsTaken } from '../../machines/coverage.ts';
import type { AuthProfile } from '../../machines/profiles.ts';

import { COVERAGE_DIR } from '../coverage-dir.ts';
const taken = new Map<string, { profile: AuthProfile; keys: Set<string> }>();

export function recordTransitions(_atmId: string, profile: AuthProfile, event: InspectionEvent): void {
  const keys = transitionsTaken(event);
  if (keys.length === 0) return;
  let entry = taken.get(profile.id);
  if (!entry) taken.set(profile.id, (entry = { profile, keys: new Set() }));
  for (const k of keys) entry.keys.add(k);
}

AfterAll(function () {
  // A run on no statechart (the xfs4iot profile: an outside application runs the ATMs) writes nothing.
  if (taken.size === 0) return;
  mkdirSync(COVERAGE_DIR, { recursive: true });
  const out = [...taken.values()].map(({ profile, keys }) => ({ profile, keys: [...keys].sort() }));
  writeFileSync(`${COVERAGE_DIR}/transitions-${process.pid}.json`, JSON.stringify(out, null, 1));
});
