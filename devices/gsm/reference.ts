/** How docs/topics.md describes this device's topics: `npm run generate` writes its section from this. */
import type { DeviceReference } from '../module.ts';

export const reference: DeviceReference = {
  heading: 'gsm (modem and network)',
  rows: [
    ['cmd', 'send', '`{"to": "+260971000001", "text": "...", "ref": "atm-1-sms-1"}`'],
    ['evt', 'sent', '`{"ref": "...", "mr": 17}`: the modem accepted it (`+CMGS: <mr>`)'],
    ['evt', 'failed', '`{"ref": "...", "cmsError": 331, "message": "no network service"}` (3GPP TS 27.005 §3.2.5 codes)'],
    ['evt', 'received', '`{"from": "+260971000001", "text": "..."}`: an SMS to the modem\'s own number'],
    ['sim', 'network', '`{"registered": false}`: lose or regain the network'],
    ['sim', 'receive', '`{"from": "+260971000001", "text": "BAL"}`: someone texts the modem'],
    [
      'sim',
      'fault',
      '`{"mode": "none"}`, `{"mode": "delay", "ms": 180000}`, `{"mode": "drop"}`, `{"mode": "error", "cmsError": 500}`, `{"mode": "hang"}` (takes the SMS, never answers)',
    ],
    [
      'state',
      '',
      'virtual: `{"registered", "signal", "msisdn", "fault", "sent", "delivered"}`; a SIM800 on a port: `{"online", "link", "reason", "registered", "signal", "msisdn"}`',
    ],
  ],
  notes:
    'After `sent`, the SMS reaches `phone/{msisdn}/inbox` as `{"from": "+260970000000", "text": "...", "ts": <ms>}`\nafter the delivery delay (`gsm.deliveryDelayMs`, default 2000 ms), plus any `delay` fault, on the rig clock.\n`drop` loses every SMS until the fault is cleared.\n\nThe OTP\'s SMS is the session\'s effect, like a dispense: the controller sends `cmd/send` with a reference, and\nthe modem\'s `evt/sent` or `evt/failed` with that reference moves the session on. A refusal, or no answer within\nthe profile\'s `timeouts.smsMs` (70 s by default), ends the session `sms-failed` ("SMS not sent"), told apart from\na bank outage (`service-unavailable`).',
};
