/**
 * What devices tell a session: the events the session machine takes from the bus. Devices produce them, the
 * machine consumes them; both stand on this shared vocabulary, so neither imports the other.
 */
export type DeviceSessionEvent =
  | { type: 'KEY'; key: string }
  | { type: 'CARD_INSERTED'; pan: string }
  | { type: 'CARD_REMOVED' }
  | { type: 'FINGER'; template: string; quality?: number }
  | { type: 'DISPENSED'; ref: string; amount: number; notes: Record<string, number> }
  | { type: 'DISPENSE_FAILED'; ref: string; reason: string }
  /** The GSM modem accepted an SMS (+CMGS), or refused it (+CMS ERROR). */
  | { type: 'SMS_SENT'; ref: string }
  | { type: 'SMS_FAILED'; ref: string; cmsError: number }
  /** A device's retained state says whether it is there (its serial link, or its bus connection). */
  | { type: 'DEVICE_STATUS'; device: string; online: boolean };
