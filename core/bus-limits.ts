/**
 * Size limits of the bus. The contract's topics are short (`atm/<id of at most 64>/fingerprint/evt/captured`) and its
 * payloads small; anything far beyond is an attack or a bug, and is refused at the broker before it can cost
 * memory or bounce between a device and the broker (an error event echoing a huge topic).
 */

/** Largest MQTT payload the broker accepts. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Longest topic name or subscription filter, in characters. */
export const MAX_TOPIC_LENGTH = 512;

/** Largest packet "remaining length": a full payload, a full topic in UTF-8 and room for the headers around them. */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 4 * MAX_TOPIC_LENGTH + 1024;

/** Distinct subscriptions one client may hold: the rig's own clients need 2 or 3, a dashboard a few dozen. */
export const MAX_SUBSCRIPTIONS = 100;
