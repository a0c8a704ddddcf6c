// Generated from devices/registry.ts by `npm run generate`: do not edit by hand.
// The CLI's help lists these without loading the registry, which would load serialport.
export const DEVICE_KIND_NAMES = ['card', 'keypad', 'fingerprint', 'lcd', 'gsm', 'dispenser', 'printer'];
export const EMULATOR_NAMES = ['keypad-lcd', 'fingerprint', 'gsm', 'dispenser', 'printer'];
