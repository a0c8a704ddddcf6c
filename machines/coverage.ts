/**
 * Transition coverage of the session statechart. A "transition" is one branch of the machine definition: a state
 * node, the event it handles (including timers `xstate.after.*`, actor completions `xstate.done.actor.*` and
 * eventless `always` routes), and which of its guarded alternatives fired. XState's inspection API reports the
 * exact definitions each microstep takes; `transitionsTaken` turns that into keys, and `listTransitions`
 * enumerates every key of the machine, so coverage is a plain set difference.
 *
 * A profile cannot reach every transition (a cardless profile never ejects a card); `notApplicable` says which
 * cannot fire under a profile and why, so totals are per profile.
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import type { AuthProfile, TransactionKind } from './profiles.ts';

export interface TransitionInfo {
  key: string;
  source: string;
  event: string;
  index: number;
  guard: string;
  targets: string[];
}

interface TransitionDef {
  source: { id: string; transitions: Map<string, TransitionDef[]>; always?: TransitionDef[] };
  eventType: string;
  guard?: unknown;
  target?: { id: string }[];
}

interface StateNodeLike {
  id: string;
  states?: Record<string, StateNodeLike>;
  transitions: Map<string, TransitionDef[]>;
  always?: TransitionDef[];
}

const ALWAYS = 'always';

function keyOf(source: string, event: string, index: number): string {
  return `${source} | ${event} | ${index}`;
}

export function describeGuard(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown[] }).guards;
    if (inner) return `${guard.name}(${inner.map(describeGuard).join(', ')})`;
    return guard.name || 'inline';
  }
  const g = guard as { type?: string; params?: unknown };
  return g.params ? `${g.type}(${JSON.stringify(g.params)})` : String(g.type);
}

export function listTransitions(machine: AnyStateMachine): TransitionInfo[] {
  const out: TransitionInfo[] = [];
  const visit = (node: StateNodeLike) => {
    for (const [event, defs] of node.transitions) {
      defs.forEach((d, index) => out.push(info(node.id, event, index, d)));
    }
    (node.always ?? []).forEach((d, index) => out.push(info(node.id, ALWAYS, index, d)));
    Object.values(node.states ?? {}).forEach(visit);
  };
  visit(machine.root as unknown as StateNodeLike);
  return out;
}

function info(source: string, event: string, index: number, d: TransitionDef): TransitionInfo {
  return {
    key: keyOf(source, event, index),
    source,
    event,
    index,
    guard: describeGuard(d.guard),
    targets: (d.target ?? []).map((t) => t.id),
  };
}

/** Keys of the transitions one inspection event reports as taken (only microstep events report any). */
export function transitionsTaken(event: InspectionEvent): string[] {
  if (event.type !== '@xstate.microstep') return [];
  return ((event as unknown as { _transitions: TransitionDef[] })._transitions ?? []).map((d) => {
    const fromEvent = d.source.transitions.get(d.eventType);
    const index = fromEvent?.indexOf(d) ?? -1;
    if (index >= 0) return keyOf(d.source.id, d.eventType, index);
    return keyOf(d.source.id, ALWAYS, d.source.always?.indexOf(d) ?? -1);
  });
}

const TIER_STATE: Record<string, AuthProfile['tiers'][number]['kind']> = {
  card: 'card',
  credentials: 'username+password',
  fingerprint: 'fingerprint',
  pin: 'pin',
  password: 'password',
  otp: 'otp',
};
const TIER_GUARD: Record<string, AuthProfile['tiers'][number]['kind']> = {
  tierIsCard: 'card',
  tierIsCredentials: 'username+password',
  tierIsFingerprint: 'fingerprint',
  tierIsPin: 'pin',
  tierIsPassword: 'password',
  tierIsOtp: 'otp',
};
const TX_STATE: Record<string, TransactionKind> = {
  withdraw: 'withdraw',
  balance: 'balance',
  transfer: 'transfer',
  change: 'change-secret',
  statement: 'statement',
};

/** Why `t` can never fire under `profile`, or undefined when it can. */
export function notApplicable(profile: AuthProfile, t: TransitionInfo): string | undefined {
  const kinds = new Set(profile.tiers.map((tier) => tier.kind));
  const hasCard = kinds.has('card');
  const authState = /^atm\.session\.auth\.([a-z]+)/.exec(t.source)?.[1];
  if (authState && authState !== 'next' && !kinds.has(TIER_STATE[authState]!)) return `the profile has no ${TIER_STATE[authState]} tier`;
  for (const [guard, kind] of Object.entries(TIER_GUARD)) {
    if (t.guard === guard && !kinds.has(kind)) return `the profile has no ${kind} tier`;
  }
  const txState = /^atm\.session\.(withdraw|balance|transfer|change|statement)/.exec(t.source)?.[1];
  if (txState && !profile.transactions.includes(TX_STATE[txState]!)) return `the profile does not offer ${TX_STATE[txState]}`;
  const chooses = /chooses\(\{"kind":"([a-z-]+)"\}\)/.exec(t.guard)?.[1];
  if (chooses && !profile.transactions.includes(chooses as TransactionKind)) return `the profile does not offer ${chooses}`;

  if (t.source === 'atm.idle' && t.event === 'CARD_INSERTED') {
    if (hasCard && t.guard === '') return 'a card profile takes the card instead of ejecting it';
    if (!hasCard && t.guard === 'cardProfile') return 'a cardless profile ejects cards';
  }
  if (t.source === 'atm.idle' && t.event === 'KEY' && hasCard) return 'a card profile starts with a card, not ENTER';
  if (!hasCard) {
    if (t.source === 'atm.ending.ejecting' || t.source === 'atm.ending.retaining') return 'no card in a cardless profile';
    if (t.source === 'atm.ending.deciding' && (t.guard === 'shouldRetainCard' || t.guard === 'cardInside'))
      return 'no card in a cardless profile';
  }
  if (hasCard && t.source === 'atm.ending.deciding' && t.guard === '')
    return 'a card profile always has the card inside when the session ends';
  if (t.source === 'atm.ending.deciding' && t.guard === 'shouldRetainCard' && profile.onLockout === 'eject') {
    // Still reachable? Only lockout sets retainCard; with onLockout eject, never.
    return 'the profile ejects on lockout';
  }
  if (t.source === 'atm.session.auth.fingerprint.verifying' && t.guard === 'inUseElsewhere') {
    const tier = profile.tiers.find((x) => x.kind === 'fingerprint');
    if (tier?.kind === 'fingerprint' && tier.match === '1:1') return 'a 1:1 match identifies nobody: the bank holds a customer on 1:N only';
  }
  if (t.source === 'atm.session.auth.fingerprint.verifying' && /verdictOk/.test(t.guard) && !/fingerAccepted/.test(t.guard)) {
    // "Wrong finger": matched, but not the requested finger. 1:1 with any finger accepted can only miss.
    const tier = profile.tiers.find((x) => x.kind === 'fingerprint');
    if (tier?.kind === 'fingerprint' && tier.request === 'any') return 'any enrolled finger is accepted: a match is never the wrong finger';
  }
  return undefined;
}
