/**
 * Before the rig connects its dozen clients to an external broker (`--broker`, `broker.url`), one connection with
 * a short deadline finds out whether an MQTT broker that accepts the rig's users answers there. Without it a
 * wrong port (a web server, say) meant 30 s of silence and then "connack timeout" from every client.
 */
import mqtt from 'mqtt';

export const PROBE_TIMEOUT_MS = 5000;

export interface ProbeOptions {
  username: string;
  password: string;
  /** Where the rig keeps its bus users (<data>/bus), for the hint when the broker does not know them. */
  busDir?: string;
  timeoutMs?: number;
}

const TLS_CODES =
  /^(ERR_TLS|ERR_SSL|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_)/;

/** Resolves when a broker at `url` accepts the user; rejects with one sentence that says what is wrong. */
export function probeBroker(url: string, options: ProbeOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const where = `the broker at ${url}`;
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: `atm-rig:probe:${Math.floor(Math.random() * 2 ** 32).toString(36)}`,
      username: options.username,
      password: options.password,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs * 2, // our own deadline below speaks first, with a clearer message
    });
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(true);
      if (err) reject(err);
      else resolve();
    };
    const notMqtt = (detail: string) =>
      new Error(
        `${where} did not answer as an MQTT broker (${detail}): is something else listening on that port, a web server perhaps? Check the host and port of --broker`,
      );
    const timer = setTimeout(() => finish(notMqtt(`no CONNACK within ${timeoutMs / 1000} s`)), timeoutMs);
    client.once('connect', () => finish());
    client.once('close', () => finish(notMqtt('it closed the connection without a CONNACK')));
    client.on('error', (err: Error & { code?: string | number }) => {
      const code = err.code;
      if (code === 'ECONNREFUSED')
        return finish(
          new Error(`${where} refused the connection: nothing listens there. Start the broker, or check the host and port of --broker`),
        );
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return finish(new Error(`${where}: no such host (${err.message})`));
      if (typeof code === 'string' && TLS_CODES.test(code)) return finish(new Error(`${where}: TLS failed (${err.message})`));
      if (code === 4 || code === 5 || code === 134 || code === 135) {
        const files = options.busDir
          ? `the rig's password file and ACL from ${options.busDir} (docs/security.md, "An external Mosquitto")`
          : 'the rig\'s password file and ACL, which --data :memory: never writes: give --data a file, start once, and load <data>/bus/passwd and <data>/bus/acl into the broker (docs/security.md, "An external Mosquitto")';
        return finish(
          new Error(`${where} refused the rig's user "${options.username}" (${err.message}): an external broker needs ${files}`),
        );
      }
      finish(notMqtt(err.message));
    });
  });
}
