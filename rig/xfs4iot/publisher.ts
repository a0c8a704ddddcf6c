/**
 * The service publisher (shared/reference/xfs4iot.md §1): ServicePublisher.GetServices lists the services the
 * connection's login may open: its ATM's, or its one service (auth.ts); nothing of other ATMs.
 */
import { GetServices } from './messages/common.ts';
import { handle, ok, type Principal, type ServiceDefinition } from './service.ts';

export const VENDOR = 'atm-rig';

export function publisherService(servicesOf: (principal: Principal) => string[]): ServiceDefinition {
  return {
    name: 'publisher',
    interfaces: ['Common', 'ServicePublisher'],
    handlers: [
      handle(GetServices, async ({ principal }) =>
        ok({ vendorName: VENDOR, services: servicesOf(principal).map((serviceURI) => ({ serviceURI })) }),
      ),
    ],
    events: [],
    deviceInformation: { modelName: 'atm-rig XFS4IoT service publisher', serialNumber: 'publisher' },
    status: () => ({ device: 'online', blocks: {} }),
    capabilities: () => ({}),
  };
}
