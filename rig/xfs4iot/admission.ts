/**
 * Which sockets the face holds, before and after they are WebSockets (the face holds `maxSockets` in all).
 *
 * Before: the attack reviews kept the application out with 300 half-open sockets from one address, then with 16 from
 * each of many addresses. So a socket is pending from its TCP connection until its upgrade request (after the TLS
 * handshake, with TLS) has been authenticated: at most `maxPending` per remote address and `maxPendingTotal` in all,
 * a newcomer pushing out the one that has waited longest (of its address, then of all), not itself: a real client
 * upgrades within milliseconds, so it is the idle ones that go, as rig/bus/packet-guard.ts does for MQTT; each is
 * dropped if not upgraded within `upgradeMs`; and at most `maxPerAddress` sockets per address, upgraded or not.
 *
 * After: one login (a one-service user, e.g. `atm-1.Biometric`, handed to another rig) filled the cap with upgraded
 * sockets and locked every ATM's application out. So each login may hold `perLogin.service` upgraded sockets, or
 * `perLogin.controller` for an ATM's controller credential (its application opens six), and all of them
 * `maxUpgraded`, which leaves room for the pending ones under `maxSockets`. When that is full, an ATM's controller
 * still gets in: the oldest one-service connection makes room, or, when only controllers hold the face, the oldest
 * of the controller login holding the most (if it holds more than the newcomer's would); anyone else is refused.
 */
import type { Socket } from 'node:net';

export interface AdmissionLimits {
  /** Sockets the server accepts in all (its maxConnections); the pending and upgraded limits stay below it. */
  maxSockets: number;
  maxPerAddress: number;
  /** Sockets waiting for their upgrade, per address and in all. */
  maxPending: number;
  maxPendingTotal: number;
  upgradeMs: number;
  /** Upgraded sockets in all, and per login. */
  maxUpgraded: number;
  perLogin: { controller: number; service: number };
}

/** Enough for the applications of many ATMs on one host (six connections each), not for a flood. 48 pending and 192
 *  upgraded leave 16 of the 256 for sockets being closed. */
export const ADMISSION_LIMITS: AdmissionLimits = {
  maxSockets: 256,
  maxPerAddress: 128,
  maxPending: 16,
  maxPendingTotal: 48,
  upgradeMs: 5000,
  maxUpgraded: 192,
  perLogin: { controller: 32, service: 8 },
};

/** Who an upgraded socket belongs to: one key per login (its username); `controller` for an ATM's controller. */
export interface AdmissionLogin {
  key: string;
  controller: boolean;
}

/** `login-full`: this login holds its share (HTTP 429); `full`: the face is full and this login may not push anyone out
 *  (HTTP 503). */
export type Admitted = 'ok' | 'login-full' | 'full';

export interface Admission {
  /** A new TCP connection: counted and pending, or destroyed when its address has too many. */
  connected(socket: Socket): void;
  /** With TLS: the TLS socket over a pending TCP one (the upgrade request comes on it). */
  secured(tlsSocket: Socket): void;
  /** An authenticated upgrade request on `socket`: admitted as `login`'s (no longer pending), or not (still pending,
   *  so dropped when its time to upgrade is up). */
  admit(socket: Socket, login: AdmissionLogin): Admitted;
}

export function createAdmission(limits: AdmissionLimits = ADMISSION_LIMITS): Admission {
  const sockets = new Map<string, number>();
  // Pending per address and in all, oldest first (a Set keeps insertion order).
  const pending = new Map<string, Set<Socket>>();
  const pendingAll = new Set<Socket>();
  // The address is kept: a closed socket has none.
  const waits = new WeakMap<Socket, { address: string; timer: NodeJS.Timeout }>();
  // A TLS socket's TCP socket: what is counted, and destroyed.
  const tcpOf = new WeakMap<Socket, Socket>();
  // Upgraded, oldest first, and per login.
  const upgraded = new Map<Socket, AdmissionLogin>();
  const byLogin = new Map<string, Set<Socket>>();
  const addressOf = (socket: Socket) => socket.remoteAddress ?? 'unknown';

  const settle = (socket: Socket) => {
    const wait = waits.get(socket);
    if (!wait) return;
    waits.delete(socket);
    clearTimeout(wait.timer);
    pendingAll.delete(socket);
    forget(pending, wait.address, socket);
  };
  const drop = (socket: Socket) => {
    settle(socket);
    socket.destroy();
  };

  const release = (socket: Socket) => {
    const login = upgraded.get(socket);
    if (!login) return;
    upgraded.delete(socket);
    forget(byLogin, login.key, socket);
  };
  const evict = (socket: Socket) => {
    release(socket);
    socket.destroy();
  };

  /** Room for a controller login holding `holds` sockets when the face is full: the socket to push out, if any. */
  const victimFor = (holds: number): Socket | undefined => {
    for (const [socket, login] of upgraded) if (!login.controller) return socket;
    let most: Set<Socket> | undefined;
    for (const held of byLogin.values()) if (!most || held.size > most.size) most = held;
    return most && most.size > holds + 1 ? most.values().next().value : undefined;
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
        settle(socket);
        release(socket);
      });
      const waiting = pending.get(address) ?? new Set<Socket>();
      pending.set(address, waiting);
      if (waiting.size >= limits.maxPending) drop(waiting.values().next().value!);
      if (pendingAll.size >= limits.maxPendingTotal) drop(pendingAll.values().next().value!);
      waiting.add(socket);
      pendingAll.add(socket);
      const timer = setTimeout(() => socket.destroy(), limits.upgradeMs);
      timer.unref();
      waits.set(socket, { address, timer });
    },
    secured(tlsSocket) {
      // The TLS socket has its TCP socket's address and port: that one is pending (a handful per address).
      for (const tcp of pending.get(addressOf(tlsSocket)) ?? [])
        if (tcp.remotePort === tlsSocket.remotePort) return void tcpOf.set(tlsSocket, tcp);
    },
    admit(socket, login) {
      const tcp = tcpOf.get(socket) ?? socket;
      // A refused socket stays pending (its answer sent, it is dropped when its time is up, if its client lingers).
      const held = byLogin.get(login.key) ?? new Set<Socket>();
      if (held.size >= (login.controller ? limits.perLogin.controller : limits.perLogin.service)) return 'login-full';
      if (upgraded.size >= limits.maxUpgraded) {
        const victim = login.controller ? victimFor(held.size) : undefined;
        if (!victim) return 'full';
        evict(victim);
      }
      settle(tcp);
      byLogin.set(login.key, held);
      held.add(tcp);
      upgraded.set(tcp, login);
      return 'ok';
    },
  };
}

/** Take `socket` out of its set under `key`, and the set out of the map once empty (the maps stay bounded). */
function forget<K>(map: Map<K, Set<Socket>>, key: K, socket: Socket): void {
  const set = map.get(key);
  set?.delete(socket);
  if (set?.size === 0) map.delete(key);
}
