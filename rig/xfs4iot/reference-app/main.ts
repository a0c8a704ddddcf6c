/**
 * The reference application from the command line, against a running `atm-rig up --xfs4iot --controller external`:
 *
 *   node --import tsx rig/xfs4iot/reference-app/main.ts --publisher ws://127.0.0.1:5846/xfs4iot/v1.0 \
 *     --bank http://127.0.0.1:3000 --atm atm-1 --data ./data --profile seed001 --sessions 1
 *
 * It logs in as the ATM's controller (its password in <data>/bus/credentials.json, or ATM_RIG_XFS_PASSWORD) and
 * calls the bank with the ATM's key (<data>/atm-keys.json, or ATM_RIG_BANK_KEY). docs/xfs4iot.md tells the rest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { basicAuthorization } from '../auth.ts';
import { XfsAtm } from './atm.ts';
import { Bank } from './bank.ts';
import { seed001, seed002 } from './session.ts';

const { values } = parseArgs({
  options: {
    publisher: { type: 'string' },
    bank: { type: 'string' },
    atm: { type: 'string', default: 'atm-1' },
    data: { type: 'string', default: './data' },
    profile: { type: 'string', default: 'seed001' },
    sessions: { type: 'string', default: '0' },
    ca: { type: 'string' },
  },
});

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;

async function main(): Promise<number> {
  if (!values.publisher || !values.bank) {
    console.error(
      'usage: main.ts --publisher ws://host:port/xfs4iot/v1.0 --bank http://host:port [--atm atm-1] [--data ./data] [--profile seed001|seed002] [--sessions n] [--ca cert.pem]',
    );
    return 2;
  }
  const run = values.profile === 'seed002' ? seed002 : values.profile === 'seed001' ? seed001 : undefined;
  if (!run) return (console.error(`no profile ${values.profile}: seed001 or seed002`), 2);
  const atmId = values.atm;
  const password =
    process.env.ATM_RIG_XFS_PASSWORD ?? (await readJson(join(values.data, 'bus', 'credentials.json')))[`${atmId}.controller`];
  const key = process.env.ATM_RIG_BANK_KEY ?? (await readJson(join(values.data, 'atm-keys.json')))[atmId];
  if (!password || !key) return (console.error(`no credentials for ${atmId} in ${values.data}`), 2);
  const atm = await XfsAtm.discover(values.publisher, {
    authorization: basicAuthorization(`${atmId}.controller`, password),
    ...(values.ca ? { ca: await readFile(values.ca, 'utf8') } : {}),
  });
  const bank = new Bank(values.bank, atmId, key);
  const sessions = Number(values.sessions);
  for (let n = 1; sessions === 0 || n <= sessions; n++) {
    const ending = await run(atm, bank, { log: (line) => console.log(`${atmId} #${n}: ${line}`) });
    console.log(`${atmId} #${n}: ended ${ending}`);
  }
  await atm.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`reference app: ${(err as Error).message}`);
    process.exit(1);
  },
);
