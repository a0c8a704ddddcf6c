/**
 * For tests: a real rig (embedded broker, bank, devices on free ports) with the XFS4IoT face on a free port and its
 * ATMs run by an outside application, and XFS4IoT clients logged in as an ATM's application. Whatever the face
 * would have sent that its schema refuses lands in `problems`; a test ends by expecting none.
 */
import type { RigConfigInput } from '../config.ts';
import { startRig, type Rig } from '../rig.ts';
import { basicAuthorization } from './auth.ts';
import { XfsClient } from './client.ts';

export interface FaceRig {
  rig: Rig;
  problems: string[];
  /** The Authorization header of an ATM's application. */
  authorization(atmId?: string): string;
  /** A client of `<atm>.<service>` (or the publisher when `service` is undefined). */
  connect(service?: string, atmId?: string): Promise<XfsClient>;
}

export async function startFaceRig(
  atms: NonNullable<RigConfigInput['atms']> = [{ id: 'atm-1' }],
  extra: RigConfigInput = {},
): Promise<FaceRig> {
  const problems: string[] = [];
  const rig = await startRig(
    {
      seed: 7,
      broker: { port: 0, wsPort: null, hashIterations: 10 },
      bank: { port: 0, file: ':memory:', hashLogN: 10 },
      xfs4iot: { port: 0 },
      ...extra,
      atms: atms.map((a) => ({ controller: 'external', gsm: { deliveryDelayMs: 5 }, dispenser: { dispenseMs: 5 }, ...a })),
    },
    { xfs4iotProblem: (p) => problems.push(p) },
  );
  const authorization = (atmId = 'atm-1') => {
    const c = rig.bus.internal.get(`${atmId}.controller`)!;
    return basicAuthorization(c.username, c.password);
  };
  return {
    rig,
    problems,
    authorization,
    connect: (service, atmId = 'atm-1') =>
      XfsClient.connect(service ? rig.xfs4iot!.services.find((s) => s.name === `${atmId}.${service}`)!.uri : rig.xfs4iot!.publisherUrl, {
        authorization: authorization(atmId),
      }),
  };
}
