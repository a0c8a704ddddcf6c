// The ZFM emulator as a host written from the ZFM-20 manual v2.0 sees it (frames built here by hand, not with our
// codec; byte-exact frames from shared/reference/protocols.md), including the malformed input of issue #12.
import { describe, expect, it } from 'vitest';
import { memoryPair, settle, type MemoryLink } from '../../serial/memory-link.ts';
import { synthTemplate } from '../template.ts';
import { ZfmEmulator } from './emulator.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const show = (b: Buffer) => b.toString('hex').toUpperCase();

/** A command packet as the manual lays it out: EF01, address, PID 01, length, instruction + parameters, checksum. */
function manualCommand(bytes: number[], address = 0xffffffff): Buffer {
  const length = bytes.length + 2;
  const sum = 0x01 + (length >> 8) + (length & 0xff) + bytes.reduce((a, b) => a + b, 0);
  const head = Buffer.alloc(9);
  head.writeUInt16BE(0xef01, 0);
  head.writeUInt32BE(address, 2);
  head.writeUInt8(0x01, 6);
  head.writeUInt16BE(length, 7);
  return Buffer.concat([head, Buffer.from(bytes), Buffer.from([(sum >> 8) & 0xff, sum & 0xff])]);
}
/** The acknowledge the manual shows for confirmation code `code` and data. */
function manualAck(code: number, ...data: number[]): string {
  return show(Buffer.concat([hex('EF01FFFFFFFF07'), Buffer.from([0, data.length + 3, code, ...data]), ackSum(code, data)]));
}
const ackSum = (code: number, data: number[]) => {
  const sum = 0x07 + data.length + 3 + code + data.reduce((a, b) => a + b, 0);
  return Buffer.from([(sum >> 8) & 0xff, sum & 0xff]);
};

async function module(): Promise<{ host: MemoryLink; zfm: ZfmEmulator; ask(b: Buffer): Promise<string> }> {
  const { host, device } = memoryPair();
  const zfm = new ZfmEmulator(device);
  const ask = async (b: Buffer) => {
    await host.write(b);
    await settle();
    return show(host.take());
  };
  return { host, zfm, ask };
}

const VFY_PWD = hex('EF01 FFFFFFFF 01 0007 13 00000000 001B');

describe('ZFM emulator, as the manual shows it', () => {
  it('answers the documented frames byte for byte: VfyPwd, GenImg without a finger, TemplateNum', async () => {
    const { ask } = await module();
    expect(await ask(hex('EF01 FFFFFFFF 01 0003 01 0005'))).toBe(manualAck(0x21)); // GenImg before VfyPwd
    expect(await ask(VFY_PWD)).toBe('EF01FFFFFFFF07000300000A');
    expect(await ask(hex('EF01 FFFFFFFF 01 0003 01 0005'))).toBe('EF01FFFFFFFF07000302000C');
    expect(await ask(hex('EF01 FFFFFFFF 01 0003 1D 0021'))).toBe(manualAck(0, 0, 0));
  });

  it('enrols (GenImg, Img2Tz 1, GenImg, Img2Tz 2, RegModel, Store), counts, lists, searches, matches and deletes', async () => {
    const { ask, zfm } = await module();
    await ask(VFY_PWD);
    const alice = Buffer.from(synthTemplate('C0001', 3), 'base64');
    zfm.placeFinger(alice);
    expect(await ask(manualCommand([0x01]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x02, 1]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x01]))).toBe(manualAck(0x02)); // the person lifted the finger after the beep
    zfm.placeFinger(alice);
    expect(await ask(manualCommand([0x01]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x02, 2]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x05]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x06, 1, 0x00, 0x07]))).toBe(manualAck(0)); // Store buffer 1 at page 7
    expect(await ask(manualCommand([0x1d]))).toBe(manualAck(0, 0, 1));
    // ReadConList page 0: bit 7 of byte 0 is set.
    expect(await ask(manualCommand([0x1f, 0]))).toBe(manualAck(0, 0x80, ...new Array(31).fill(0)));
    // Search buffer 1 over pages 0..999: found at page 7, with a score.
    const found = hex(await ask(manualCommand([0x04, 1, 0, 0, 0x03, 0xe8])));
    expect([found[9], found.readUInt16BE(10)]).toEqual([0, 7]);
    // Match buffer 1 against page 7 loaded into buffer 2.
    expect(await ask(manualCommand([0x07, 2, 0x00, 0x07]))).toBe(manualAck(0));
    expect(hex(await ask(manualCommand([0x03])))[9]).toBe(0);
    // DeleteChar page 7, one template; the count is 0 again; deleting past the library's end fails (0x10).
    expect(await ask(manualCommand([0x0c, 0, 7, 0, 1]))).toBe(manualAck(0));
    expect(await ask(manualCommand([0x1d]))).toBe(manualAck(0, 0, 0));
    expect(await ask(manualCommand([0x0c, 0x03, 0xe7, 0, 2]))).toBe(manualAck(0x10));
    expect(await ask(manualCommand([0x04, 1, 0, 0, 0x03, 0xe8]))).toBe(manualAck(0x09));
  });

  it('answers 01 to a command shorter or longer than its instruction, and to a buffer id other than 1 or 2', async () => {
    const { ask } = await module();
    await ask(VFY_PWD);
    expect(await ask(manualCommand([0x06, 1]))).toBe(manualAck(0x01)); // Store without its page
    expect(await ask(manualCommand([0x13]))).toBe(manualAck(0x01)); // VfyPwd without its password
    expect(await ask(manualCommand([0x01, 0]))).toBe(manualAck(0x01)); // GenImg with a stray parameter
    expect(await ask(manualCommand([0x02, 7]))).toBe(manualAck(0x01)); // Img2Tz into buffer 7
    expect(await ask(manualCommand([0x77]))).toBe(manualAck(0x01)); // no such instruction
  });

  it('does not answer a packet for another address', async () => {
    const { ask } = await module();
    expect(await ask(manualCommand([0x13, 0, 0, 0, 0], 0x12345678))).toBe('');
    expect(await ask(VFY_PWD)).toBe(manualAck(0));
  });

  it('drops a partial packet after the inter-byte timeout, so it cannot swallow the next one', async () => {
    const { host, ask } = await module();
    const truncated = manualCommand([0x13, 0, 0, 0, 0]).subarray(0, 11);
    await host.write(truncated);
    await settle();
    await new Promise((r) => setTimeout(r, 250)); // the sender gave up: more than the 200 ms gap
    expect(await ask(VFY_PWD)).toBe(manualAck(0x01) + manualAck(0)); // "packet error" for the dropped part, then OK
  });

  it('finds the good packet right behind a truncated one even without a pause', async () => {
    const { ask } = await module();
    const truncated = manualCommand([0x13, 0, 0, 0, 0]).subarray(0, 11);
    expect(await ask(Buffer.concat([truncated, VFY_PWD]))).toBe(manualAck(0x01) + manualAck(0));
  });

  it('after a power cycle asks for the password again, and keeps its library', async () => {
    const { ask, zfm } = await module();
    await ask(VFY_PWD);
    zfm.library.set(3, { bytes: Buffer.alloc(512, 1), clean: Buffer.alloc(512, 1) });
    zfm.powerCycle();
    expect(await ask(VFY_PWD)).toBe(''); // off: silent
    zfm.powerOn();
    expect(await ask(manualCommand([0x1d]))).toBe(manualAck(0x21));
    expect(await ask(VFY_PWD)).toBe(manualAck(0));
    expect(await ask(manualCommand([0x1d]))).toBe(manualAck(0, 0, 1));
  });
});

describe('ZFM host', () => {
  it('a command whose write fails rejects once, with no unhandled rejection left behind', async () => {
    const { ZfmHost } = await import('./host.ts');
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const host = new ZfmHost({ on: () => undefined, write: () => Promise.reject(new Error('port closed')) }, 20);
    await expect(host.genImg()).rejects.toThrow('port closed');
    await new Promise((r) => setTimeout(r, 60)); // past the answer's deadline
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});

describe('ZFM host against a faulty module', () => {
  it('gives up on a template upload that never ends, instead of buffering for ever', async () => {
    const { ZfmHost } = await import('./host.ts');
    const { encodePacket, PID } = await import('./packet.ts');
    const { host, device } = memoryPair();
    // Acknowledges UpChar, then streams data packets and never the end packet.
    device.on('data', () => {
      void device.write(encodePacket(PID.ack, Uint8Array.from([0])));
      for (let i = 0; i < 40; i++) void device.write(encodePacket(PID.data, Buffer.alloc(256, i)));
    });
    await expect(new ZfmHost(host, 200).upChar(1)).rejects.toThrow(/more than 4096 bytes/);
  });

  it('refuses a packet size code outside 0-3', async () => {
    const { ZfmHost } = await import('./host.ts');
    const { encodePacket, PID } = await import('./packet.ts');
    const { host, device } = memoryPair();
    const para = Buffer.alloc(16);
    para.writeUInt16BE(27, 12);
    device.on('data', () => void device.write(encodePacket(PID.ack, Buffer.concat([Buffer.from([0]), para]))));
    await expect(new ZfmHost(host, 200).readSysPara()).rejects.toThrow(/size code 27/);
  });
});

describe('ZFM host after an answer that came late', () => {
  it('waits for the line to go quiet, so the next command gets its own answer, not the one before', async () => {
    const { ZfmHost } = await import('./host.ts');
    const { encodePacket, PID } = await import('./packet.ts');
    const { host, device } = memoryPair();
    let n = 0;
    // The module answers each command with its count.
    device.on('data', () => {
      const count = ++n;
      const reply = () => void device.write(encodePacket(PID.ack, Uint8Array.from([0, 0, count])));
      // The first answer comes just after the host gave up on it: while the next command waits for its own.
      setTimeout(reply, count === 1 ? 100 : 40);
    });
    const zfm = new ZfmHost(host, 60);
    await expect(zfm.templateCount()).rejects.toThrow(/did not answer/);
    expect(await zfm.templateCount()).toBe(2); // not the late answer to the first (1)
    expect(await zfm.templateCount()).toBe(3);
  });
});
