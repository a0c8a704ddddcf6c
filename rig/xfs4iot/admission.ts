/**
 * Which sockets the face holds before they are WebSockets. The attack review kept the application out with 300
 * half-open sockets from one address (the face holds 256 in all). So, per remote address: at most `maxPending`
 * sockets that have not yet been upgraded (authenticated in the upgrade request), and when a new one comes the oldest
 * of them is dropped, not the newcomer (a real client upgrades within milliseconds, so it is the idle ones that go,
 * as rig/bus/packet-guard.ts does for MQTT); each is dropped if not upgraded within `upgradeMs`; and at most
 * `maxPerAddress` sockets in all, upgraded or not.
 */
import type { Socket } from 'node:net';

export interface AdmissionLimits {
  maxPerAddress: number;
  maxPending: number;
  upgradeMs: number;
}

/** Enough for the applications of many ATMs on one host (six connections each), not for a flood. */
export const ADMISSION_LIMITS: AdmissionLimits = { maxPerAddress: 128, maxPending: 16, upgradeMs: 5000 };

export interface Admission {
  /** A new TCP connection: counted, or destroyed when its address has too many. */
  connected(socket: Socket): void;
  /** A socket that will carry the upgrade request (the TLS socket, with TLS): pending until `upgraded`. */
  awaitUpgrade(socket: Socket): void;
  upgraded(socket: Socket): void;
}

export function createAdmission(limits: AdmissionLimits = ADMISSION_LIMITS): Admission {
  const sockets = new Map<string, number>();
  // Per address, oldest first (a Set keeps insertion order).
  const pending = new Map<string, Set<Socket>>();
  // The address is kept: a closed socket has none.
  const waits = new WeakMap<Socket, { address: string; timer: NodeJS.Timeout }>();
  const addressOf = (socket: Socket) => socket.remoteAddress ?? 'unknown';

  const settle = (socket: Socket) => {
    const wait = waits.get(socket);
    if (!wait) return;
    waits.delete(socket);
    clearTimeout(wait.timer);
    const waiting = pending.get(wait.address);
    waiting?.delete(socket);
    if (waiting?.size === 0) pending.delete(wait.address);
  };

  return {
    connected(socket) {
      const address = addressOf(socket);
      const count = sockets.get(address) ?? 0;
      if (count >= limits.maxPerAddress) return void socket.destroy();
      sockets.set(address, count + 1);
      socket.once('close', () => {
        const left = (sockets.get(address) ?? 1) - 1;
        if (left > 0) sockets.set(address, left);
        else sockets.delete(address);
      });
    },
    awaitUpgrade(socket) {
      const address = addressOf(socket);
      const waiting = pending.get(address) ?? new Set<Socket>();
      pending.set(address, waiting);
      if (waiting.size >= limits.maxPending) {
        const oldest = waiting.values().next().value!;
        settle(oldest);
        oldest.destroy();
      }
      waiting.add(socket);
      const timer = setTimeout(() => socket.destroy(), limits.upgradeMs);
      timer.unref();
      waits.set(socket, { address, timer });
      socket.once('close', () => settle(socket));
    },
    upgraded: settle,
  };
}
