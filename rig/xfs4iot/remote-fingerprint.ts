/**
 * The other direction (`--device fingerprint=xfs4iot:ws://user:password@host:port/xfs4iot/v1.0/<service>/`): a
 * fingerprint device of this rig that is someone else's XFS4IoT Biometric service. It keeps one Biometric.Read open
 * and turns each capture into `fingerprint/evt/captured`, so the rig's controller drives it like any sensor. It is
 * online while the connection is up and the service says `online` (Common.Status, StatusChangedEvent); a lost
 * connection is retried with back-off, like a serial link. The credentials in the URL never leave it: its `impl`
 * (in the device's state, the banner) is the URL without them.
 */
import type { Device, DeviceContext } from '../../devices/device.ts';
import { basicAuthorization } from './auth.ts';
import { XfsClient } from './client.ts';

export const XFS4IOT_SPEC = /^xfs4iot:(wss?:\/\/.+)$/;

/** A spec's URL and the Authorization its userinfo makes; the URL shown anywhere is without the userinfo. */
export function parseXfs4iotSpec(spec: string): { url: string; authorization?: string } {
  const m = XFS4IOT_SPEC.exec(spec);
  if (!m) throw new Error(`not an xfs4iot: device spec: xfs4iot:ws://user:password@host:port/xfs4iot/v1.0/<service>/`);
  const url = new URL(m[1]!);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), ...(user ? { authorization: basicAuthorization(user, password) } : {}) };
}

/** A spec with its password hidden, for anything written down (a recording's header). */
export const maskSpec = (spec: string) => spec.replace(/^(xfs4iot:wss?:\/\/[^:/@]*):[^@/]*@/, '$1:***@');

const MAX_BACKOFF_MS = 10_000;

export class RemoteFingerprint implements Device {
  readonly kind = 'fingerprint' as const;
  readonly impl: string;
  #ctx?: DeviceContext;
  #client?: XfsClient;
  #stopped = false;
  #captures = 0;
  #backoff = 250;
  #timer?: NodeJS.Timeout;

  constructor(private readonly target: { url: string; authorization?: string }) {
    this.impl = `xfs4iot:${target.url}`;
  }

  initialState() {
    return { online: false, link: 'down', captures: 0 };
  }

  start(ctx: DeviceContext) {
    this.#ctx = ctx;
    void this.#connect();
  }

  /** The rig's fingerprint contract has no commands. */
  command() {}

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const ctx = this.#ctx!;
    try {
      const client = await XfsClient.connect(
        this.target.url,
        this.target.authorization ? { authorization: this.target.authorization } : {},
      );
      this.#client = client;
      this.#backoff = 250;
      client.socket.on('close', () => this.#down('the connection closed'));
      client.onUnsolicited((name, p) => {
        const device = (p.common as { device?: string } | undefined)?.device;
        if (name === 'Common.StatusChangedEvent' && device) ctx.setState({ online: device === 'online' });
      });
      const status = await client.command('Common.Status');
      const device = (status.payload.common as { device?: string } | undefined)?.device;
      ctx.setState({ online: device === 'online', link: 'up', reason: null });
      await this.#readLoop(client);
    } catch (err) {
      this.#down((err as Error).message);
    }
  }

  /** One Read after another while connected: each capture is an event of this rig's sensor. */
  async #readLoop(client: XfsClient): Promise<void> {
    const ctx = this.#ctx!;
    while (!this.#stopped && this.#client === client) {
      const read = await client.command('Biometric.Read', { dataTypes: [{ format: 'reservedTemplate1' }], numCaptures: 1, mode: 'scan' });
      const template = (read.payload.dataRead as { data?: string }[] | undefined)?.[0]?.data;
      if (read.completionCode === 'success' && template) {
        this.#captures += 1;
        ctx.emit('captured', { template, quality: 100 });
        ctx.setState({ captures: this.#captures });
      } else if (read.completionCode === 'commandErrorCode')
        ctx.error('sensor-error', `the remote sensor could not read (${String(read.payload.errorCode)})`);
      else await new Promise((r) => setTimeout(r, 1000)); // not ready (offline, busy): ask again in a while
    }
  }

  #down(reason: string): void {
    if (this.#stopped || this.#timer) return;
    this.#client = undefined;
    this.#ctx?.setState({ online: false, link: 'down', reason: reason.slice(0, 200) });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#client?.close();
  }
}
