/**
 * The rig's fault rules and the decision, per message or request, whether one applies. Chance comes from the
 * run's seed (a failing scenario replays with the same losses), time from the rig clock. The broker side
 * (bus-faults.ts) and the bank side (bank-faults.ts) ask it and do what it says; it tells its listeners each time a
 * fault is applied, which is how every fault reaches the trace and the recording.
 */
import { z } from 'zod';
import type { RigClock } from '../../core/clock.ts';
import type { Random } from '../../core/random.ts';
import { topicMatches } from '../bus/acl.ts';
import { maskNumbers } from '../../devices/serial/trace.ts';
import { didYouMean } from '../../core/suggest.ts';
import { FaultRuleSchema, globMatches, isBusFault, type BankFault, type BusFault, type FaultRule, type FaultRuleInput } from './rule.ts';

/** What the trace shows of an applied fault: never the payload, which may hold a secret. */
export interface AppliedFault {
  id: string;
  action: string;
  /** The bus topic or the bank path it hit. */
  where: string;
  /** Who sent it: the bus user, or the ATM calling the bank. */
  from?: string;
  /** Why the fault is not the rule's own (a delay whose queue was full lost the message). */
  note?: string;
  at: number;
}

/** Never faulted: the rig's own service topics (a `#` rule would otherwise feed on its own reports, or stop the manual
 *  clock), and `$` topics. */
export function isExempt(topic: string): boolean {
  return topic.startsWith('rig/') || topic.startsWith('$');
}

export const MAX_RULES = 64;

export class FaultInjector {
  readonly #rules: FaultRule[] = [];
  readonly #applied = new Map<string, number>();
  readonly #listeners = new Set<(fault: AppliedFault) => void>();
  readonly #changed = new Set<() => void>();
  #next = 1;

  constructor(
    readonly clock: RigClock,
    readonly random: Random,
    /** The rig's ATMs: a rule that can reach none of them is refused. */
    readonly atmIds: readonly string[] = [],
  ) {}

  /** Validate and add a rule (from config, the CLI or the bus); returns it with its id. */
  add(input: FaultRuleInput | unknown, source = 'fault'): FaultRule {
    const parsed = FaultRuleSchema.safeParse(input);
    if (!parsed.success) throw new Error(`invalid fault in ${source}:\n${z.prettifyError(parsed.error)}`);
    if (this.#rules.length >= MAX_RULES) throw new Error(`${source}: ${MAX_RULES} faults are set already; clear some first`);
    const unreachable = this.#unreachable(parsed.data as FaultRule);
    if (unreachable) throw new Error(`${source}: ${unreachable}`);
    const id = parsed.data.id ?? this.#freshId();
    if (this.#rules.some((r) => r.id === id)) throw new Error(`${source}: a fault called ${id} is set already`);
    const rule = { ...parsed.data, id } as FaultRule;
    this.#rules.push(rule);
    this.#notify();
    return rule;
  }

  /** Clear one rule by id, or all; returns how many went. */
  clear(id?: string): number {
    const before = this.#rules.length;
    for (let i = this.#rules.length - 1; i >= 0; i--) if (id === undefined || this.#rules[i]!.id === id) this.#rules.splice(i, 1);
    if (id === undefined) this.#applied.clear();
    else this.#applied.delete(id);
    if (before !== this.#rules.length) this.#notify();
    return before - this.#rules.length;
  }

  get rules(): readonly FaultRule[] {
    return this.#rules;
  }

  /** How many times each rule has applied. */
  appliedCount(id: string): number {
    return this.#applied.get(id) ?? 0;
  }

  /** The bus rules covering this message, in the order they were added (whether or not they fire). */
  busRulesFor(topic: string, user: string | undefined): BusFault[] {
    if (isExempt(topic)) return [];
    return this.#rules.filter(
      (r): r is BusFault => isBusFault(r) && topicMatches(r.topic, topic) && (!r.from || (user !== undefined && globMatches(r.from, user))),
    );
  }

  /** The first bank rule for this request that fires (its chance, its count), if any. */
  bankFaultFor(atm: string, route: string): BankFault | undefined {
    return this.#rules.find(
      (r): r is BankFault => !isBusFault(r) && globMatches(r.bank, atm) && (!r.path || route.startsWith(r.path)) && this.fires(r),
    );
  }

  /** Roll for a rule (its probability, its count); counts it as applied when it fires. */
  fires(rule: FaultRule): boolean {
    const done = this.#applied.get(rule.id) ?? 0;
    if (rule.count !== undefined && done >= rule.count) return false;
    if (rule.probability < 1 && this.random.next() >= rule.probability) return false;
    this.#applied.set(rule.id, done + 1);
    return true;
  }

  /** The delay a delay rule gives this message: ms, plus or minus up to jitterMs, never negative. */
  delayOf(rule: FaultRule): number {
    const jitter = rule.jitterMs ? Math.round((this.random.next() * 2 - 1) * rule.jitterMs) : 0;
    return Math.max(0, (rule.ms ?? 1000) + jitter);
  }

  report(fault: Omit<AppliedFault, 'at'>): void {
    // A phone's topic names its number; the observer reads rig/#: mask it as every trace does.
    const applied = { ...fault, where: maskNumbers(fault.where), at: this.clock.now() };
    for (const listener of this.#listeners) listener(applied);
  }

  onApplied(listener: (fault: AppliedFault) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onChange(listener: () => void): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  #notify() {
    for (const listener of this.#changed) listener();
  }

  readonly #bankRoutes = new Set<string>();

  /** An ATM route of the bank (told by bank-faults.ts as the bank registers them). */
  addBankRoute(route: string): void {
    this.#bankRoutes.add(route);
  }

  /** The rules that can never apply, with the reason (for rules added before the bank told its routes). */
  unreachableRules(): string[] {
    return this.#rules.flatMap((r) => {
      const why = this.#unreachable(r);
      return why ? [`${r.id}: ${why}`] : [];
    });
  }

  /** Why a rule can never apply on this rig, if it cannot. */
  #unreachable(rule: FaultRule): string | undefined {
    const atms = this.atmIds.join(', ');
    if (!isBusFault(rule)) {
      if (this.atmIds.length && !this.atmIds.some((a) => globMatches(rule.bank, a)))
        return `bank:${rule.bank} matches no ATM of this rig${didYouMean(rule.bank, this.atmIds)} (ATMs: ${atms})`;
      const routes = [...this.#bankRoutes];
      if (rule.path && routes.length && !routes.some((r) => r.startsWith(rule.path!)))
        return `no bank route starts with ${rule.path}${didYouMean(rule.path, routes)} (routes: ${routes.join(', ')})`;
      return undefined;
    }
    const [first, second] = rule.topic.split('/');
    if (first === 'rig') return `${rule.topic}: the rig's own topics (rig/…) are never faulted`;
    if (!['atm', 'phone', '+', '#'].includes(first!))
      return `${rule.topic} matches no topic of the rig: devices are under atm/<atm>/…, SMS deliveries under phone/…`;
    if (first === 'atm' && second && second !== '+' && second !== '#' && this.atmIds.length && !this.atmIds.includes(second))
      return `${rule.topic}: no ATM "${second}"${didYouMean(second, this.atmIds)} (ATMs: ${atms})`;
    return undefined;
  }

  #freshId(): string {
    for (;;) {
      const id = `f${this.#next++}`;
      if (!this.#rules.some((r) => r.id === id)) return id;
    }
  }
}
