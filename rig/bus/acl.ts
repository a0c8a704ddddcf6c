/**
 * Mosquitto's acl_file format, read by the embedded broker and usable as is by an external Mosquitto:
 *
 *   user atm-1.keypad
 *   topic write atm/atm-1/keypad/evt/+
 *   topic read atm/atm-1/keypad/cmd/+
 *
 * `read` lets a user subscribe (and receive), `write` publish, `readwrite` both, `deny` neither; rules before any
 * `user` line apply to anonymous clients. A subscription is allowed only when a read rule covers the whole
 * requested filter (`atm/#` is not covered by `atm/atm-1/#`) and no deny rule does; each message is then delivered
 * only when a read rule, and no deny rule, matches its topic (so `deny atm/+/keypad/evt/key` takes the keys out
 * of an `atm/#` subscription, in Mosquitto too).
 */
export type Access = 'read' | 'write' | 'readwrite' | 'deny';
export interface AclRule {
  access: Access;
  filter: string;
}

export class Acl {
  readonly #rules = new Map<string, AclRule[]>();

  static parse(text: string): Acl {
    const acl = new Acl();
    let user = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const [word, ...rest] = line.split(/\s+/);
      if (word === 'user') user = rest.join(' ');
      else if (word === 'topic') {
        const access = (['read', 'write', 'readwrite', 'deny'] as const).find((a) => a === rest[0]);
        acl.add(user, { access: access ?? 'readwrite', filter: access ? rest.slice(1).join(' ') : rest.join(' ') });
      } else throw new Error(`acl: cannot read "${line}" (only user and topic lines are supported)`);
    }
    return acl;
  }

  add(user: string, rule: AclRule): this {
    this.#rules.set(user, [...(this.#rules.get(user) ?? []), rule]);
    return this;
  }

  format(): string {
    const out: string[] = ['# atm-rig bus ACL (Mosquitto acl_file format). Generated from the rig configuration.'];
    for (const [user, rules] of this.#rules) {
      out.push('', user ? `user ${user}` : '# anonymous');
      for (const r of rules) out.push(`topic ${r.access} ${r.filter}`);
    }
    return out.join('\n') + '\n';
  }

  #allowed(user: string, want: 'read' | 'write', test: (filter: string) => boolean): boolean {
    const rules = this.#rules.get(user) ?? [];
    if (rules.some((r) => r.access === 'deny' && test(r.filter))) return false;
    return rules.some((r) => (r.access === want || r.access === 'readwrite') && test(r.filter));
  }

  canPublish(user: string, topic: string): boolean {
    return this.#allowed(user, 'write', (f) => topicMatches(f, topic));
  }

  canSubscribe(user: string, filter: string): boolean {
    return this.#allowed(user, 'read', (f) => filterCovers(f, filter));
  }

  /** May `user` receive a message on `topic`? Checked for every message delivered, whatever the subscription. */
  canRead(user: string, topic: string): boolean {
    return this.#allowed(user, 'read', (f) => topicMatches(f, topic));
  }
}

/** Does MQTT filter `filter` match the concrete `topic`? (A wildcard never matches a leading `$`, as in MQTT.) */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Is every topic that `requested` matches also matched by `allowed`? */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') continue;
    if (r[i] === '+' || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}
