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
import { FaultRuleSchema, globMatches, isBusFault, type BankFault, type BusFault, type FaultRule, type FaultRuleInput } from './rule.ts';

/** What the trace shows of an applied fault: never the payload, which may hold a secret. */
export interface AppliedFault {
  id: string;
  action: string;
  /** The bus topic or the bank path it hit. */
  where: string;
  /** Who sent it: the bus user, or the ATM calling the bank. */
  from?: string;
  at: number;
}

/** Never faulted: the fault service's own topics (a `#` rule would otherwise feed on its own reports). */
export const FAULT_TOPIC_ROOT = 'rig/fault/';

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
  ) {}

  /** Validate and add a rule (from config, the CLI or the bus); returns it with its id. */
  add(input: FaultRuleInput | unknown, source = 'fault'): FaultRule {
    const parsed = FaultRuleSchema.safeParse(input);
    if (!parsed.success) throw new Error(`invalid fault in ${source}:\n${z.prettifyError(parsed.error)}`);
    if (this.#rules.length >= MAX_RULES) throw new Error(`${source}: ${MAX_RULES} faults are set already; clear some first`);
    const id = parsed.data.id ?? this.#freshId();
    if (this.#rules.some((r) => r.id === id)) throw new Error(`${source}: a fault called ${id} is set already`);
    const rule = { ...parsed.data, id } as FaultRule;
    if (rule.action === 'reorder' && !isBusFault(rule)) throw new Error(`${source}: reorder is a bus fault`);
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

  /** The first bus rule covering this message, whether or not it fires (reorder needs to know). */
  busRuleFor(topic: string, user: string | undefined): BusFault | undefined {
    if (topic.startsWith(FAULT_TOPIC_ROOT) || topic.startsWith('$')) return undefined;
    return this.#rules.find(
      (r): r is BusFault => isBusFault(r) && topicMatches(r.topic, topic) && (!r.from || (user !== undefined && globMatches(r.from, user))),
    );
  }

  /** The bank rule that fires for this request, if any. */
  bankFaultFor(atm: string, path: string): BankFault | undefined {
    const rule = this.#rules.find(
      (r): r is BankFault => !isBusFault(r) && globMatches(r.bank, atm) && (!r.path || path.startsWith(r.path)),
    );
    return rule && this.fires(rule) ? rule : undefined;
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

  #freshId(): string {
    for (;;) {
      const id = `f${this.#next++}`;
      if (!this.#rules.some((r) => r.id === id)) return id;
    }
  }
}
