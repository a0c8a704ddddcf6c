/**
 * A `__proto__` key in a client's payload. JSON.parse keeps it as an own property, but copying the object (zod's
 * records, a spread into a plain object) turns it into the copy's prototype, so the key vanished without a word
 * and a payload the schema should refuse passed. The face refuses it outright, at any depth: `invalidData`.
 */
const PROTO = '__proto__';

/** Where the first `__proto__` key is (`payload.a.0.__proto__`), or undefined. Iterative: nesting is the client's. */
export function protoKeyPath(payload: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: payload, path: 'payload' }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value) && Object.hasOwn(value, PROTO)) return `${path}.${PROTO}`;
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: `${path}.${key}` });
  }
  return undefined;
}
