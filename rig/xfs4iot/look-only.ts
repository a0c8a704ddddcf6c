/**
 * An ATM the rig's own controller runs (`controller: rig`): the face lets clients look at its devices (Common.Status,
 * Capabilities, Get... queries) but not act on them, since the rig's sessions own its screen, keypad, card reader and
 * cash. A client that could Write on its LCD could draw a fake "enter your PIN" over a session (attacker's review);
 * one that could Dispense would pay notes no session debits. Acting commands are answered `unsupportedCommand`
 * with the reason (shared/reference/xfs4iot.md §2) and left out of Capabilities. Biometric stays whole: a rig run for
 * its fingerprint alone serves it to another rig (the `xfs4iot:` device spec).
 */
import type { ServiceDefinition } from './service.ts';

const QUERY = /^(Common\.|[A-Za-z]+\.Get[A-Z])/;

export function lookOnly(definition: ServiceDefinition, atmId: string): ServiceDefinition {
  const acting = definition.handlers.filter((h) => !QUERY.test(h.spec.name));
  if (acting.length === 0) return definition;
  const why = `${atmId} is run by the rig's own controller: this face only looks at its devices (--controller external hands it to your application)`;
  return Object.assign(Object.create(Object.getPrototypeOf(definition) as object) as ServiceDefinition, definition, {
    handlers: definition.handlers.filter((h) => QUERY.test(h.spec.name)),
    withheld: { ...definition.withheld, ...Object.fromEntries(acting.map((h) => [h.spec.name, why])) },
  });
}
