/**
 * The k-anonymised export of customers and their transactions.
 *
 * One row per ledger entry that moved money (a customer with none gets one row with empty transaction fields).
 * Each row carries its customer's quasi-identifiers, generalised; direct identifiers (name, phone, email,
 * address, username, ids, account number, hashes) are never written. k counts *customers*: every combination of
 * generalised quasi-identifiers must be shared by at least k different customers, however many rows each has.
 * Customers in too-small classes are suppressed (left out with all their rows), up to the allowed share.
 */
import { randomInt } from 'node:crypto';
import BUILT_IN_HIERARCHIES from './hierarchies.json' with { type: 'json' };
import { z } from 'zod';
import type { BankReader } from '../bank/records.ts';
import { flash, type FlashResult, type Node } from './flash.ts';
import { generalise, height, HierarchiesFileSchema, type HierarchiesFile } from './hierarchy.ts';
import { readJsonFile } from '../../core/json.ts';

export interface CustomerQi {
  customerId: string;
  values: Record<string, string>;
  transactions: { type: string; amount: number }[];
}

/** Quasi-identifier values of every customer, at level 0. */
export function quasiIdentifiers(records: BankReader, asOf: Date): CustomerQi[] {
  return [...records.customers()].map((c) => {
    const account = records.accountOf(c.id);
    const card = records.cardsOf(c.id)[0];
    const born = new Date(`${c.dateOfBirth}T00:00:00Z`);
    let age = asOf.getUTCFullYear() - born.getUTCFullYear();
    if (asOf.getUTCMonth() < born.getUTCMonth() || (asOf.getUTCMonth() === born.getUTCMonth() && asOf.getUTCDate() < born.getUTCDate()))
      age--;
    return {
      customerId: c.id,
      values: {
        age: String(age),
        gender: c.gender,
        city: c.city,
        provider: card?.provider ?? 'none',
        // Major units: bands such as "0-999" read as money.
        balance: String(Math.floor((account?.balance ?? 0) / 100)),
        pan: card?.pan ?? '',
      },
      // Oldest first; the ledger answers newest first.
      transactions: account
        ? records
            .ledgerOf(account.number, Number.MAX_SAFE_INTEGER, true)
            .reverse()
            .map((e) => ({ type: e.type, amount: e.amount }))
        : [],
    };
  });
}

export interface ExportOptions {
  k: number;
  /** Largest share of customers that may be suppressed, 0..1. */
  maxSuppression: number;
  hierarchies: HierarchiesFile;
}

export interface ExportResult {
  columns: string[];
  node: Record<string, number>;
  loss: number;
  checks: number;
  lattice: number;
  suppressed: number;
  customers: number;
  /** Size (in customers) of each equivalence class in the output, largest first. */
  classSizes: number[];
  rows: string[][];
}

function classes(customers: CustomerQi[], names: string[], h: HierarchiesFile, node: Node): Map<string, CustomerQi[]> {
  const out = new Map<string, CustomerQi[]>();
  for (const c of customers) {
    const k = names.map((n, i) => generalise(h.quasiIdentifiers[n]!, c.values[n] ?? '', node[i]!)).join('\u0000');
    out.set(k, [...(out.get(k) ?? []), c]);
  }
  return out;
}

export function anonymise(customers: CustomerQi[], options: ExportOptions): ExportResult | undefined {
  const names = Object.keys(options.hierarchies.quasiIdentifiers);
  const missing = names.filter((n) => !customers.every((c) => n in c.values) && customers.length > 0);
  if (missing.length)
    throw new Error(
      `no data for quasi-identifier(s) ${missing.join(', ')}: known are ${Object.keys(customers[0]?.values ?? {}).join(', ')}`,
    );
  const heights = names.map((n) => height(options.hierarchies.quasiIdentifiers[n]!));
  const budget = Math.floor(options.maxSuppression * customers.length);
  const suppressedAt = (node: Node) =>
    [...classes(customers, names, options.hierarchies, node).values()]
      .filter((c) => c.length < options.k)
      .reduce((s, c) => s + c.length, 0);

  const found: FlashResult | undefined = flash({ heights, isAnonymous: (node) => suppressedAt(node) <= budget });
  if (!found) return undefined;
  const kept = [...classes(customers, names, options.hierarchies, found.node).values()].filter((c) => c.length >= options.k);
  const rows: string[][] = [];
  // A pseudonym per customer, fresh for every export and unrelated to any id: it links a customer's rows (so the
  // file can be checked for k customers per class) without linking them to the bank or to another export.
  const pseudonyms = shuffledLabels(kept.reduce((n, g) => n + g.length, 0));
  for (const group of kept) {
    for (const c of group) {
      const qi = names.map((n, i) => generalise(options.hierarchies.quasiIdentifiers[n]!, c.values[n] ?? '', found.node[i]!));
      const person = pseudonyms.pop()!;
      if (c.transactions.length === 0) rows.push([person, ...qi, '', '']);
      for (const t of c.transactions) rows.push([person, ...qi, t.type, (t.amount / 100).toFixed(2)]);
    }
  }
  // Rows in a random order, so the file's order says nothing about the bank's.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return {
    columns: ['person', ...names, 'transaction', 'amount'],
    node: Object.fromEntries(names.map((n, i) => [n, found.node[i]!])),
    loss: found.loss,
    checks: found.checks,
    lattice: found.lattice,
    suppressed: suppressedAt(found.node),
    customers: customers.length,
    classSizes: kept.map((g) => g.length).sort((a, b) => b - a),
    rows,
  };
}

function shuffledLabels(n: number): string[] {
  const labels = Array.from({ length: n }, (_, i) => `P${String(i + 1).padStart(5, '0')}`);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  return labels;
}

export function toCsv(columns: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export async function loadHierarchies(path?: string): Promise<HierarchiesFile> {
  // The built-in file is imported, not read from beside this module: the built command (dist/) is elsewhere.
  const file = path ?? 'the built-in rig/privacy/hierarchies.json';
  const parsed = HierarchiesFileSchema.safeParse(path ? await readJsonFile(path, 'hierarchies file') : BUILT_IN_HIERARCHIES);
  if (!parsed.success) throw new Error(`invalid hierarchies in ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Check a written export on its own, knowing nothing of how it was made: group the rows by their
 * quasi-identifier columns and count the distinct `person` pseudonyms in each group. Returns the class sizes.
 */
export function classSizesOfCsv(csv: string, qiColumns: string[]): number[] {
  const [header, ...lines] = csv.trimEnd().split('\n').map(parseCsvLine);
  const idx = qiColumns.map((c) => header!.indexOf(c));
  const person = header!.indexOf('person');
  if (idx.some((i) => i < 0) || person < 0) throw new Error(`the file lacks a column of ${[...qiColumns, 'person'].join(', ')}`);
  const groups = new Map<string, Set<string>>();
  for (const row of lines) {
    const key = idx.map((i) => row[i]).join('\u0000');
    groups.set(key, (groups.get(key) ?? new Set()).add(row[person]!));
  }
  return [...groups.values()].map((g) => g.size).sort((a, b) => b - a);
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
