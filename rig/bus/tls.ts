/**
 * The TLS identity of the embedded broker's mqtts:// and wss:// listeners: a certificate and key given by path, or
 * a self-signed one for localhost made at first start and kept in <data>/bus/tls/ (key mode 0600). Clients trust
 * it by pinning that certificate (mosquitto_sub --cafile <data>/bus/tls/cert.pem).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** Where the certificate is, for clients to pin; undefined when kept in memory. */
  certPath?: string;
}

export async function loadOrCreateTls(options: { certPath?: string; keyPath?: string; dir?: string }): Promise<TlsIdentity> {
  if (options.certPath || options.keyPath) {
    if (!options.certPath || !options.keyPath) throw new Error('TLS needs both a certificate and a key path');
    return { cert: await readFile(options.certPath, 'utf8'), key: await readFile(options.keyPath, 'utf8'), certPath: options.certPath };
  }
  const dir = options.dir ? join(options.dir, 'tls') : undefined;
  if (dir) {
    const existing = await Promise.all([readFile(join(dir, 'cert.pem'), 'utf8'), readFile(join(dir, 'key.pem'), 'utf8')]).catch(
      () => undefined,
    );
    if (existing) return { cert: existing[0], key: existing[1], certPath: join(dir, 'cert.pem') };
  }
  // Loaded only to make a certificate: its ASN.1 libraries are a seventh of atm-rig up's start otherwise.
  const { generate } = await import('selfsigned');
  const pems = await generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'atm-rig' },
    ],
    {
      keySize: 2048,
      days: 825,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    } as never,
  );
  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'cert.pem'), pems.cert, { mode: 0o644 });
    await writeFile(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  }
  return { cert: pems.cert, key: pems.private, certPath: dir ? join(dir, 'cert.pem') : undefined };
}
