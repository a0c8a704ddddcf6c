/** Who the emulated module says it is (ATI, +CGMI, +CGMM, +CGMR, +CGSN, +CIMI, +CCID, +COPS?, +CNUM, +CREG cell).
 *  Forms per the SIM800 manual V1.09 and captures (shared/reference/sim800-sms.md §1, §3); the numbers are made
 *  up: a Zambian SIM (MCC 645) on MTN. */
import type { Identity } from './context.ts';

export const DEFAULT_IDENTITY: Identity = {
  product: 'SIM800 R14.18',
  manufacturer: 'SIMCOM_Ltd',
  model: 'SIMCOM_SIM800L',
  revision: '1418B04SIM800L24',
  imei: '867856030000017',
  imsi: '645010000000001',
  iccid: '89260010000000000017',
  operator: 'MTN ZAMBIA',
  msisdn: '+260970000000',
  lac: '0D2C',
  ci: '1F41',
};
