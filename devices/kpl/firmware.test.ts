// The keypad + LCD board's firmware builds for an Arduino Uno with the AVR toolchain (firmware/keypad-lcd/build.sh).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const build = fileURLToPath(new URL('../../firmware/keypad-lcd/build.sh', import.meta.url));
const toolchain = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v avr-g++ && command -v avr-objcopy'], { stdio: 'ignore' });
    return existsSync('/usr/share/arduino/hardware/arduino/avr/cores/arduino');
  } catch {
    return false;
  }
})();

describe.skipIf(!toolchain)('keypad + LCD firmware', () => {
  it('compiles and links for an ATmega328P into an Intel HEX image that fits', async () => {
    const out = await mkdtemp(join(tmpdir(), 'atm-rig-fw-'));
    const log = execFileSync('bash', [build, out], { encoding: 'utf8' });
    const m = /keypad-lcd\.hex: (\d+) bytes of flash, (\d+) bytes of RAM/.exec(log);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(32 * 1024 - 512); // flash less the Uno's bootloader
    expect(Number(m![2])).toBeLessThan(2048);
    expect(existsSync(join(out, 'keypad-lcd.hex'))).toBe(true);
  }, 120_000);
});
