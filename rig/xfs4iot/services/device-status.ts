/** What every device service shares: Common.Status's `device` from the devices' retained states, and telling
 *  clients (Common.StatusChangedEvent) when it changes. */
import type { DeviceKind } from '../../../devices/registry.ts';
import type { AtmBus } from '../atm-bus.ts';
import type { DeviceState } from '../messages/common.ts';
import type { ServiceOutlet } from '../service.ts';

/** `online` when every device the service needs says so in its retained state; `offline` otherwise (its last will,
 *  a serial link down, or no state yet). */
export function deviceState(bus: AtmBus, kinds: readonly DeviceKind[]): DeviceState {
  return kinds.every((k) => bus.online(k)) ? 'online' : 'offline';
}

export function watchStatus(bus: AtmBus, kinds: readonly DeviceKind[], outlet: ServiceOutlet): () => void {
  return bus.on((m) => {
    if (m.name === 'state' && kinds.includes(m.kind)) outlet.statusChanged();
  });
}

/** The device's model as its state names it: `virtual` or how the real one is reached. */
export function deviceInformation(bus: AtmBus, kind: DeviceKind): { modelName: string; serialNumber: string } {
  const impl = bus.state(kind)?.impl;
  return {
    modelName: `atm-rig ${kind} (${typeof impl === 'string' ? impl.split(':')[0] : 'unknown'})`,
    serialNumber: `${bus.atmId}.${kind}`,
  };
}
