// The scanner that finds where JSON goes wrong must agree with JSON.parse on every input: valid text parses the
// same, invalid text always gets a line and column inside the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstErrorOffset, JsonTextError, parseJsonText } from './json.ts';

describe('parseJsonText', () => {
  it('parses what JSON.parse parses, and finds no error in it', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJsonText(text)).toEqual(JSON.parse(text));
        expect(firstErrorOffset(text)).toBe(text.length);
      }),
    );
  });

  it('places every error JSON.parse finds inside the text', () => {
    const broken = fc
      .tuple(fc.json(), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([t, at, junk]) => t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1)));
    fc.assert(
      fc.property(fc.oneof(broken, fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) return void expect(firstErrorOffset(text)).toBe(text.length);
        const err = (() => {
          try {
            parseJsonText(text);
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(JsonTextError);
        const { line, column } = err as JsonTextError;
        expect(line).toBeLessThanOrEqual(text.split('\n').length);
        expect(column).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('names the line and column of a missing value', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": ,\n}')).toThrow('line 3, column 8: unexpected ","');
    expect(() => parseJsonText('{"a": [1, 2')).toThrow('the text ends too early');
  });
});
