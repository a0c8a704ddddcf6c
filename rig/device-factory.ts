/** The device an ATM's configuration asks for: virtual, a module's driver on a serial port, or an XFS4IoT service. */
import { deviceModule, SERIAL_KINDS, type DeviceKind } from '../devices/registry.ts';
import type { Device } from '../devices/device.ts';
import { parseSerialSpec } from '../devices/serial/link.ts';
import { countingDecoder, type SerialTracer } from '../devices/serial/trace.ts';
import type { AtmConfig } from './config.ts';
import { parseXfs4iotSpec, RemoteFingerprint, XFS4IOT_SPEC } from './xfs4iot/remote-fingerprint.ts';

export function createDevice(kind: DeviceKind, atm: AtmConfig, tracer?: SerialTracer): Device {
  const module = deviceModule(kind)!;
  const spec = atm.devices[kind];
  const options = atm[kind];
  if (spec === 'virtual') return module.virtual(options);
  if (XFS4IOT_SPEC.test(spec)) {
    if (kind !== 'fingerprint')
      throw new Error(`${atm.id}: an xfs4iot: device is a fingerprint only (a Biometric service), not a ${module.title}`);
    return new RemoteFingerprint(parseXfs4iotSpec(spec));
  }
  if (!module.serial)
    throw new Error(`${atm.id}: no serial driver for the ${module.title} yet (drivers: ${SERIAL_KINDS.join(', ')}); use "virtual"`);
  const trace = tracer && { tracer, label: `${atm.id} ${kind}`, decoder: (module.wire ?? countingDecoder)() };
  return module.serial({ ...parseSerialSpec(spec), ...(trace ? { trace } : {}) }, options);
}
