/**
 * A fault rule: what to break on the wire, where, and how often. Bus rules pick messages by MQTT topic filter and,
 * optionally, by who published them (`from`: a bus user such as `atm-1.keypad`, `*` for any part); direction is in
 * the topic (`cmd` travels to a device, `evt` and `state` come from it, `sim` is a person's action). Bank rules pick
 * the ATM's HTTP requests to the bank. docs/faults.md describes each action.
 */
import { z } from 'zod';
import { strictObject } from '../../core/strict-schema.ts';
import { TOPIC_LEVEL } from '../../devices/topics.ts';
import { didYouMean } from '../../core/suggest.ts';

export const BUS_ACTIONS = ['drop', 'delay', 'duplicate', 'reorder', 'corrupt', 'disconnect'] as const;
export const BANK_ACTIONS = ['drop', 'delay', 'partition'] as const;
export type BusAction = (typeof BUS_ACTIONS)[number];
export type BankAction = (typeof BANK_ACTIONS)[number];

/** An MQTT filter: levels without wildcards inside them, `#` only last. */
const TopicFilter = z
  .string()
  .min(1)
  .max(256)
  .refine((f) => f.split('/').every((l, i, all) => (l.includes('#') ? l === '#' && i === all.length - 1 : !l.includes('+') || l === '+')), {
    message: 'not an MQTT topic filter (+ and # stand alone in a level, # only last)',
  });
const Glob = z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_.*-]{0,80})$/, 'a bus user or ATM id; * stands for any part');
const Probability = z.number().min(0).max(1);
const Ms = z.number().int().min(0).max(3_600_000);

const common = {
  /** Given by the rig when the rule is added; name it to clear it by name. */
  id: z.string().regex(TOPIC_LEVEL, 'letters, digits, . _ -').optional(),
  /** The share of matching messages or requests it applies to (0..1). */
  probability: Probability.default(1),
  /** Stop after applying this many times. */
  count: z.number().int().positive().optional(),
  /** delay: how long (rig clock); reorder: the longest a message is held waiting to be overtaken. */
  ms: Ms.optional(),
  /** delay: plus or minus up to this much, so delayed messages can overtake each other. */
  jitterMs: Ms.optional(),
};

export const BusFaultSchema = strictObject({
  topic: TopicFilter,
  from: Glob.optional(),
  action: z.enum(BUS_ACTIONS, { error: (i) => unknownAction(i.input, BUS_ACTIONS) }),
  /** corrupt: flip bits (default) or cut the payload short. */
  corrupt: z.enum(['bitflip', 'truncate']).optional(),
  ...common,
});

export const BankFaultSchema = strictObject({
  /** Requests of this ATM (its bank login), `*` for every ATM. */
  bank: Glob,
  action: z.enum(BANK_ACTIONS, { error: (i) => unknownAction(i.input, BANK_ACTIONS) }),
  /** Only requests whose route starts with this: /otp, /accounts/:number/withdrawals (the route, not the URL). */
  path: z
    .string()
    .max(128)
    .regex(/^\/[A-Za-z0-9/:_-]*$/, 'a route such as /otp or /accounts/:number/withdrawals')
    .optional(),
  ...common,
});

/** A bus rule has `topic`, a bank rule `bank`; each is checked by its own schema, so a mistake is named exactly. */
export const FaultRuleSchema = z.unknown().transform((input, ctx): z.infer<typeof BusFaultSchema> | z.infer<typeof BankFaultSchema> => {
  const shape = typeof input === 'object' && input !== null ? input : {};
  if (!('topic' in shape) && !('bank' in shape)) {
    ctx.addIssue({ code: 'custom', message: 'a fault needs "topic" (a bus fault) or "bank" (an ATM\'s requests to the bank)' });
    return z.NEVER;
  }
  const parsed = ('bank' in shape ? BankFaultSchema : BusFaultSchema).safeParse(input);
  if (parsed.success) {
    // A setting the action does not use is a mistake, not something to ignore.
    const r = parsed.data;
    const useless = [
      r.ms !== undefined && !['delay', 'reorder'].includes(r.action) && 'ms (delay and reorder only)',
      r.jitterMs !== undefined && r.action !== 'delay' && 'jitterMs (delay only)',
      'corrupt' in r && r.corrupt !== undefined && r.action !== 'corrupt' && 'corrupt (the corrupt action only)',
    ].filter(Boolean);
    if (useless.length === 0) return r;
    ctx.addIssue({ code: 'custom', message: `${r.action} takes no ${useless.join(', no ')}` });
    return z.NEVER;
  }
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});
export type BusFault = z.infer<typeof BusFaultSchema> & { id: string };
export type BankFault = z.infer<typeof BankFaultSchema> & { id: string };
export type FaultRule = BusFault | BankFault;
export type FaultRuleInput = z.input<typeof BusFaultSchema> | z.input<typeof BankFaultSchema>;

export function isBusFault(rule: FaultRule): rule is BusFault {
  return 'topic' in rule;
}

function unknownAction(got: unknown, actions: readonly string[]): string {
  return typeof got === 'string'
    ? `unknown action "${got}"${didYouMean(got, actions)}; one of ${actions.join(', ')}`
    : `action must be one of ${actions.join(', ')}`;
}

/** `*` in a glob stands for any run of characters. Matched without a regular expression: the classic two-pointer
 *  walk, linear in practice, so a glob of many stars from the bus cannot make the broker backtrack for ever. */
export function globMatches(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === name[n]) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = n;
    } else if (star >= 0) {
      g = star + 1;
      n = ++resume;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/** One line for the trace, the CLI and the dashboard: `f1 atm/+/keypad/evt/# drop 30%`. */
export function describeFault(rule: FaultRule): string {
  const where = isBusFault(rule)
    ? `${rule.topic}${rule.from ? ` from ${rule.from}` : ''}`
    : `bank${rule.bank === '*' ? '' : ` for ${rule.bank}`}${rule.path ? ` ${rule.path}` : ''}`;
  const how = [
    rule.action,
    'corrupt' in rule && rule.corrupt ? rule.corrupt : '',
    rule.ms !== undefined ? `${rule.ms} ms` : '',
    rule.jitterMs ? `±${rule.jitterMs} ms` : '',
    rule.probability < 1 ? `${Math.round(rule.probability * 1000) / 10}%` : '',
    rule.count ? `${rule.count}×` : '',
  ].filter(Boolean);
  return `${rule.id} ${where} ${how.join(' ')}`;
}
