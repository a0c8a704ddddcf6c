// The dashboard in a real browser: `npm run dashboard` as demo staff start it (its own process, its own data
// directory, two ATMs: atm-1 seed002 with a card, atm-2 seed001 cardless), Debian's chromium driven by
// playwright-core, and one whole seed002 session done by clicking on the drawn ATM: the card, the password, a
// presenter's "wrong finger" and then the reader, the OTP read off the phone, a withdrawal chosen with an FDK, the
// cash, the receipt, the card back. With cash and receipt out, each layout (1440x900, 1920x1080, 800x1280, 390x844)
// is checked for cut titles and overflow and screenshot into reports/ and docs/images/. Then the editor: no invalid
// node, no two nodes overlapping, the flow within the workspace at 1440x900.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS } from '../rig/seed.ts';

const CHROMIUM = process.env.ATM_RIG_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// CI installs chromium (scripts/system-deps.sh); there a missing browser is a failure, not a skip.
if (!haveChromium && process.env.CI) throw new Error(`chromium not found at ${CHROMIUM}: scripts/system-deps.sh should have installed it`);
if (!haveChromium)
  console.warn(
    `dashboard browser test skipped: no chromium at ${CHROMIUM} (install it with: sudo bash scripts/system-deps.sh, or set ATM_RIG_CHROMIUM)`,
  );

let dir: string;
let rig: ChildProcess | undefined;
let output = '';
let browser: Browser | undefined;
let dashboardUrl: string;

/** Start `npm run dashboard` and read the dashboard's address off its banner. */
async function startDashboardProcess(): Promise<string> {
  const config = join(dir, 'rig.json');
  // Quick SMS and a quick count of notes, as the demo has them.
  const quick = { gsm: { deliveryDelayMs: 300 }, dispenser: { dispenseMs: 300 } };
  await writeFile(
    config,
    JSON.stringify({
      atms: [
        { id: 'atm-1', profile: 'seed002', ...quick },
        { id: 'atm-2', profile: 'seed001', ...quick },
      ],
    }),
  );
  const args = [
    'run',
    'dashboard',
    '--',
    '--plain',
    '--config',
    config,
    '--data',
    join(dir, 'bank.json'),
    '--flows',
    join(dir, 'flows.json'),
    '--seed',
    '11',
    '--hash-cost',
    '10',
    '--mqtt-port',
    '0',
    '--ws-port',
    '0',
    '--bank-port',
    '0',
    '--dashboard-port',
    '0',
  ];
  rig = spawn('npm', args, { cwd: join(import.meta.dirname, '..'), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run dashboard printed no dashboard URL in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /dashboard\s+(?:\S*?)(http:\/\/[\d.]+:\d+\/dashboard)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    rig!.stdout!.on('data', read);
    rig!.stderr!.on('data', read);
    rig!.once('exit', (code) => reject(new Error(`npm run dashboard exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  if (!haveChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'atm-rig-browser-'));
  dashboardUrl = await startDashboardProcess();
  // The flags this machine needs: no sandbox as root, no GPU, and no background calls to a network it does not have.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (rig?.pid) {
    // npm and the rig under it: the whole process group, gently (the rig closes its bank file) and then for sure.
    try {
      process.kill(-rig.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => {
      const hard = setTimeout(() => {
        try {
          process.kill(-rig!.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        r(undefined);
      }, 8000);
      rig!.once('exit', () => (clearTimeout(hard), r(undefined)));
    });
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 20_000);

const lcdText = (page: Page) => page.getByTestId('lcd').innerText();
/** Wait for the LCD to show `pattern`; the LCD's text when it does. */
async function untilLcd(page: Page, pattern: RegExp): Promise<string> {
  await expect.poll(() => lcdText(page), { timeout: 15_000, interval: 50 }).toMatch(pattern);
  return lcdText(page);
}
/** Keys of the drawn ATM: digits, letters, ENTER/CANCEL/CLEAR and the FDKs beside the LCD. */
const press = (page: Page, ...keys: string[]) =>
  keys.reduce((p, k) => p.then(() => page.locator(`[data-testid=atm] [data-key="${k}"]`).click()), Promise.resolve());
const attr = (page: Page, id: string, name: string) => page.getByTestId(id).getAttribute(name);
/** Until the card, the shutter and the paper have stopped moving (CSS transitions; the endless glows aside). */
const settled = (page: Page) =>
  page.evaluate(
    `Promise.all(document.getAnimations().filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity).map((a) => a.finished))`,
  );
/** What would look broken: a group title cut short, the page wider than the window, an LCD line cut. */
const layoutFaults = (page: Page) =>
  page.evaluate(`(() => {
    const out = [];
    document.querySelectorAll('.nrdb-ui-group .v-card-title').forEach((t) => {
      if (t.scrollWidth > t.clientWidth + 1) out.push('title cut: ' + t.textContent);
    });
    const page = document.documentElement;
    if (page.scrollWidth > window.innerWidth + 1) out.push('page wider than the window: ' + page.scrollWidth);
    const lcd = document.querySelector('[data-testid=lcd]');
    if (lcd.scrollWidth > lcd.clientWidth + 1) out.push('LCD cut: ' + lcd.scrollWidth + ' > ' + lcd.clientWidth);
    return out;
  })()`);

const LAYOUTS = [
  { name: 'desktop-1440', width: 1440, height: 900 },
  { name: 'desktop-1920', width: 1920, height: 1080 },
  { name: 'tablet-800', width: 800, height: 1280 },
  { name: 'phone-390', width: 390, height: 844 },
];
const DOCS_IMAGES = join(import.meta.dirname, '..', 'docs', 'images');
/** The docs' pictures are refreshed on request (ATM_RIG_DOCS_IMAGES=1), so a test run leaves the checkout as it was;
 *  reports/ always gets them. */
const toDocs = (from: string, to: string) => (process.env.ATM_RIG_DOCS_IMAGES === '1' ? copyFile(from, to) : Promise.resolve());

describe.skipIf(!haveChromium)('the dashboard in chromium', () => {
  it('completes a seed002 session by clicking on the ATM: card, password, finger, OTP, FDK, cash, receipt, card back', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await mkdir('reports', { recursive: true });
    await mkdir(DOCS_IMAGES, { recursive: true });
    await page.goto(dashboardUrl);
    await untilLcd(page, /Please insert card/);
    // The steps line is drawn from the session's first state, which may come after the LCD's (seen on a busy machine).
    const steps = 'Card, then Password, then Fingerprint, then One-time code by SMS';
    await page
      .getByTestId('steps')
      .filter({ hasText: steps })
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    expect(await page.getByTestId('steps').innerText()).toBe(steps);

    // A fresh data directory: the bank is empty until staff seed it.
    await page.getByTestId('seed').click();
    await page
      .locator('[data-testid=balances] [data-customer=C0001] [data-testid=balance]')
      .filter({ hasText: '5000.00' })
      .waitFor({ timeout: 15_000 });
    await page.getByTestId('customer').selectOption('C0001');
    const alice = DEMO_CUSTOMERS[0]!;
    await expect.poll(() => page.getByTestId('password').innerText()).toBe(alice.password);

    // The card goes into the slot.
    expect(await attr(page, 'card-slot', 'data-slot')).toBe('empty');
    await page.getByTestId('card').click();
    await expect.poll(() => attr(page, 'card-slot', 'data-slot')).toBe('inside');
    await untilLcd(page, /password/i);
    expect(await page.getByTestId('screen').innerText()).toBe('Entering the password');
    expect(await page.getByTestId('tier').innerText()).toMatch(/Password \(step 2 of 4\)/);
    await press(page, ...alice.password.split(''), 'ENTER');

    // The reader lights up; a presenter's "wrong finger" (someone else's) is refused first.
    await untilLcd(page, /Place your finger/);
    await expect.poll(() => attr(page, 'finger-reader', 'data-lit')).toBe('yes');
    expect(await page.getByTestId('finger-hint').innerText()).toBe('Place any finger');
    await page.screenshot({ path: join('reports', 'dashboard-finger.png'), fullPage: true });
    await toDocs(join('reports', 'dashboard-finger.png'), join(DOCS_IMAGES, 'dashboard-finger.png'));
    await page.locator('[data-scenario=wrong-finger]').click();
    await untilLcd(page, /Finger not matched/);
    await expect.poll(() => page.getByTestId('attempts-left').innerText()).toMatch(/attempts left: 2/);
    await page.getByTestId('finger-reader').locator('button').click();

    // The one-time code, read off the phone.
    const sms = page.getByTestId('sms').first();
    await sms.waitFor({ timeout: 15_000 });
    const otp = /code is ([A-Z0-9]+)\./.exec(await sms.innerText())![1]!;
    await press(page, ...otp.split(''), 'ENTER');

    // The FDK beside "1 Withdraw" chooses it.
    await untilLcd(page, /1 Withdraw/);
    await page.screenshot({ path: join('reports', 'dashboard-menu.png'), fullPage: true });
    await press(page, 'FDKA');
    await untilLcd(page, /Amount/);
    await press(page, '2', '0', '0', 'ENTER');
    await untilLcd(page, /Take your cash/);
    await expect.poll(() => page.getByTestId('cash-slot').innerText()).toMatch(/200\.00 at the slot/);
    expect(await attr(page, 'cash-shutter', 'data-open')).toBe('yes');
    expect(await page.getByTestId('note').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('receipt').innerText()).toMatch(/200\.00/);

    // Cash and receipt out: each layout, checked and pictured.
    for (const layout of LAYOUTS) {
      await page.setViewportSize(layout);
      await settled(page);
      expect(await layoutFaults(page), layout.name).toEqual([]);
      const shot = join('reports', `dashboard-${layout.name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      await toDocs(shot, join(DOCS_IMAGES, `dashboard-${layout.name}.png`));
    }
    await page.setViewportSize(LAYOUTS[0]!);

    await page.getByTestId('take-cash').click();
    await expect.poll(() => attr(page, 'cash-shutter', 'data-open')).toBe('no');
    await page.getByTestId('receipt').click();
    await expect.poll(() => page.getByTestId('receipt').innerText()).toBe('');
    await press(page, 'CANCEL');
    await untilLcd(page, /Take your card/);
    await expect.poll(() => attr(page, 'card-slot', 'data-slot')).toBe('presented');
    await page.getByTestId('card').click();
    await expect.poll(() => attr(page, 'card-slot', 'data-slot')).toBe('empty');

    // The bank follows: 5000.00 - 200.00, and the withdrawal heads the ledger.
    await page
      .locator('[data-testid=balances] [data-customer=C0001] [data-testid=balance]')
      .filter({ hasText: '4800.00' })
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('ledger').innerText(), { timeout: 10_000 }).toMatch(/withdrawal\s+-200\.00\s+4800\.00/);
    await expect.poll(() => page.getByTestId('events').innerText()).toMatch(/ended\s+completed, card ejected/);
    await page.screenshot({ path: join('reports', 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("switches ATMs without a reload: atm-2's cardless profile has no card slot, and its own LCD", async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(dashboardUrl);
    await page.getByTestId('card-slot').waitFor({ timeout: 15_000 });
    await page.getByTestId('atm-select').selectOption('atm-2');
    await untilLcd(page, /Press ENTER to start/);
    await expect.poll(() => page.getByTestId('card-slot').count()).toBe(0);
    expect(await page.getByTestId('steps').innerText()).toBe('Fingerprint, then PIN, then One-time code by SMS');
    // A key goes to the ATM on screen.
    await press(page, 'ENTER');
    await untilLcd(page, /Place finger \d+/);
    await expect.poll(() => page.getByTestId('finger-hint').innerText()).toMatch(/^Place the (right|left) \w+( finger)? \(\d+\)$/);
    await press(page, 'CANCEL');
    await page.getByTestId('atm-select').selectOption('atm-1');
    await untilLcd(page, /Please insert card/);
    await page.getByTestId('card-slot').waitFor();
    await page.close();
  }, 60_000);

  it('opens the demo flow in the Node-RED editor: every node valid, none overlapping, all within the workspace at 1440 px', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(dashboardUrl.replace(/dashboard$/, ''));
    await page.locator('.red-ui-flow-node').first().waitFor({ timeout: 30_000 });
    // The editor's own verdict, as it draws a warning triangle on a node.
    const invalid =
      await page.evaluate(`(() => { const out = []; const check = (n) => { if (n.valid === false) out.push(n.type + ' ' + n.id); };
      RED.nodes.eachNode(check); RED.nodes.eachConfig(check); return out; })()`);
    expect(invalid).toEqual([]);
    expect(await page.locator('.red-ui-flow-node').count()).toBeGreaterThan(20);
    // Each node as drawn (its label and its status line under it), against every other and the workspace's edges.
    await expect.poll(() => page.locator('.red-ui-flow-node-status-group:visible').count(), { timeout: 10_000 }).toBeGreaterThan(6);
    const boxes = (await page.evaluate(`[...document.querySelectorAll('g.red-ui-flow-node-group')].map((g) => {
      const r = g.getBoundingClientRect(); return { id: g.id, left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })`)) as Box[];
    const chart = (await page.evaluate(`(() => { const r = document.getElementById('red-ui-workspace-chart').getBoundingClientRect();
      return { id: 'workspace', left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })()`)) as Box;
    const overlaps = boxes.flatMap((a, i) =>
      boxes
        .slice(i + 1)
        .filter((b) => overlap(a, b))
        .map((b) => `${a.id} / ${b.id}`),
    );
    expect(overlaps).toEqual([]);
    expect(boxes.filter((b) => b.right > chart.right || b.bottom > chart.bottom || b.left < chart.left).map((b) => b.id)).toEqual([]);
    await page.screenshot({ path: join('reports', 'node-red-editor.png') });
    await toDocs(join('reports', 'node-red-editor.png'), join(DOCS_IMAGES, 'node-red-editor.png'));
    // The node package's README shows it too (a picture inside the package, so npm and the flow library show it).
    await toDocs(join('reports', 'node-red-editor.png'), join(import.meta.dirname, 'nodes', 'images', 'atm-demo-flow.png'));
    await page.close();
  }, 60_000);
});

type Box = { id: string; left: number; top: number; right: number; bottom: number };
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
