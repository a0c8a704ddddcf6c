export { VirtualCardReader } from './card-reader.ts';
export { VirtualCashDispenser, type DispenserOptions } from './cash-dispenser.ts';
export { VirtualFingerprintSensor } from './fingerprint-sensor.ts';
export { VirtualGsmModem, type GsmOptions } from './gsm-modem.ts';
export { VirtualKeypad } from './keypad.ts';
export { VirtualLcd } from './lcd.ts';
