/**
 * Client ids belong to users. MQTT lets a new connection with a connected client's id take its place; on an open
 * bus any user (even `observer`) could so knock a device or the controller off (the controller's last will then says
 * `offline`). The rig's own clients use `atm-rig:<role>:<random>` (devices/bus.ts); a role names its user:
 *
 *   atm-rig:<atm>:<device>:…  (and <device>-emulator)  ->  <atm>.<device>
 *   atm-rig:<atm>:controller:…                          ->  <atm>.controller
 *   atm-rig:clock:…                                     ->  rig.clock
 *   atm-rig:faults:…                                    ->  rig.faults
 *   atm-rig:recorder:…                                  ->  rig.recorder
 *   atm-rig:trace:…, atm-rig:live-view:…                ->  rig.trace
 *
 * Other roles (`<atm>:person`, tools) are anyone's. The broker refuses, with CONNACK "identifier rejected", a client
 * id held by another user's connection or reserved for another user; the connected client stays.
 */
import { DEVICE_KINDS } from '../../devices/registry.ts';
import { busUser } from '../../devices/topics.ts';

const PREFIX = 'atm-rig:';

export type ClientIdOwners = (clientId: string) => string | undefined;

/** Who a client id is reserved for, if anyone. */
export function clientIdOwners(atmIds: readonly string[]): ClientIdOwners {
  const roles = new Map<string, string>([
    ['clock', 'rig.clock'],
    ['faults', 'rig.faults'],
    ['recorder', 'rig.recorder'],
    ['trace', 'rig.trace'],
    ['live-view', 'rig.trace'],
  ]);
  for (const atm of atmIds) {
    for (const kind of DEVICE_KINDS) roles.set(`${atm}:${kind}`, busUser(atm, kind));
    roles.set(`${atm}:controller`, busUser(atm, 'controller'));
  }
  return (clientId) => {
    if (!clientId.startsWith(PREFIX)) return undefined;
    const end = clientId.lastIndexOf(':');
    const role = clientId.slice(PREFIX.length, end > PREFIX.length ? end : undefined);
    // `keypad-lcd-emulator` is the keypad's: match the role or a dash-suffixed variant of it.
    for (let cut = role.length; cut > 0; cut = role.lastIndexOf('-', cut - 1)) {
      const owner = roles.get(role.slice(0, cut));
      if (owner) return owner;
    }
    return undefined;
  };
}
