/**
 * The two banks `atm-rig enrol` can write to: the bank's file, when no rig holds it (the file lock says so), or a
 * running bank, through its staff API with the staff account from `<data>/staff.json` or ATM_RIG_STAFF_USER and
 * ATM_RIG_STAFF_PASSWORD.
 */
import { readFile } from 'node:fs/promises';
import type { BankService } from './bank/service.ts';
import type { EnrolBank } from './enrol.ts';

export function fileBank(bank: BankService): EnrolBank {
  return {
    async customerName(id) {
      const c = bank.records.customer(id);
      if (!c) throw new Error(`no customer ${id} in the bank: open the account first (staff API, or atm-rig seed for the demo customers)`);
      return c.name;
    },
    enrolFingers: (id, fingers) => bank.enrolFingers(id, fingers),
  };
}

export async function staffCredentials(staffFile: string): Promise<{ username: string; password: string }> {
  const [username, password] = [process.env.ATM_RIG_STAFF_USER, process.env.ATM_RIG_STAFF_PASSWORD];
  if (username && password) return { username, password };
  const text = await readFile(staffFile, 'utf8').catch(() => {
    throw new Error(`no staff account: set ATM_RIG_STAFF_USER and ATM_RIG_STAFF_PASSWORD, or run beside the bank's ${staffFile}`);
  });
  const saved = JSON.parse(text) as { username?: unknown; password?: unknown };
  if (typeof saved.username !== 'string' || typeof saved.password !== 'string') throw new Error(`${staffFile} holds no staff account`);
  return { username: saved.username, password: saved.password };
}

export async function httpBank(url: string, staff: { username: string; password: string }): Promise<EnrolBank> {
  const base = url.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: object, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).catch((err: Error) => {
      throw new Error(`the bank at ${base} did not answer: ${err.message}`, { cause: err });
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const { token } = (await call('POST', '/staff/login', staff)) as { token: string };
  return {
    async customerName(id) {
      const c = await call('GET', `/staff/customers/${encodeURIComponent(id)}`, undefined, token);
      return String(c.name);
    },
    async enrolFingers(id, fingers) {
      for (const f of fingers)
        await call('PUT', `/staff/customers/${encodeURIComponent(id)}/fingers/${f.finger}`, { template: f.template }, token);
    },
  };
}
