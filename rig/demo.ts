/**
 * The demo `npm start` runs: seed the demo customers, then walk one of them through seed001 over MQTT, the way a
 * person would: press ENTER, place the finger the ATM asks for, type the PIN, read the OTP from the phone,
 * withdraw, take the cash and finish. Every LCD screen and the bus traffic are printed as it goes.
 */
import { DEMO_CUSTOMERS, type DemoCustomer } from './seed.ts';
import { AtmClient, otpFromSms } from './atm-client.ts';
import { maskSecrets, traceBus } from './bus-trace.ts';
import { mask } from './bank/model.ts';
import type { Rig } from './rig.ts';
import { lcdBox, paint } from './ui.ts';

export interface DemoOptions {
  atmId?: string;
  customer?: DemoCustomer;
  /** Major units. */
  amount?: number;
  print?: (line: string) => void;
  /** How long any one step may take before the demo gives up (real time). */
  stepTimeoutMs?: number;
}

export interface DemoResult {
  ok: boolean;
  dispensed?: { amount: number; notes: Record<string, number> };
  balanceBefore: number;
  balanceAfter: number;
}

export async function runDemo(rig: Rig, options: DemoOptions = {}): Promise<DemoResult> {
  const atmId = options.atmId ?? rig.atms[0]!.id;
  const customer = options.customer ?? DEMO_CUSTOMERS[0]!;
  const amount = options.amount ?? 200;
  const print = options.print ?? ((l: string) => console.log(l));
  const timeout = options.stepTimeoutMs ?? 15_000;
  const profile = rig.atms.find((a) => a.id === atmId)!.profile;
  if (profile.id !== 'seed001') throw new Error(`the demo walks the seed001 profile; ${atmId} runs ${profile.id}`);

  const staff = await rig.bank.staffHeaders();
  const seed = await fetch(`${rig.bank.url}/staff/seed`, { method: 'POST', headers: staff });
  if (!seed.ok) throw new Error(`seeding the demo customers failed: HTTP ${seed.status}`);
  const skipped = ((await seed.json()) as { skipped: { id: string; why: string }[] }).skipped.find((s) => s.id === customer.id);
  if (skipped)
    throw new Error(
      `the demo needs its customer ${customer.id}, but ${skipped.why}; run the demo on another data file (--data demo/bank.json)`,
    );
  const account = (
    (await (await fetch(`${rig.bank.url}/staff/customers/${customer.id}`, { headers: staff })).json()) as { account: string }
  ).account;
  const balance = async () =>
    ((await (await fetch(`${rig.bank.url}/accounts/${account}`, { headers: staff })).json()) as { balance: number }).balance;
  const balanceBefore = await balance();

  const person = await AtmClient.connect(rig.brokerUrl, atmId, rig.bus.simulator);
  const trace = await traceBus(rig.brokerUrl, atmId, (l) => print(`  ${l}`), rig.bus.internal.get('rig.trace')!);
  let lastScreen = '';
  const showLcd = () => {
    const key = JSON.stringify(person.lcd);
    if (key === lastScreen) return;
    lastScreen = key;
    for (const l of lcdBox(person.lcd, `LCD ${atmId}`)) print(l);
  };
  const step = (text: string) => print(`\n${paint('bold', '▶ ' + text)}`);
  const first = customer.kyc.name.split(' ')[0];

  try {
    await person.untilLcd('Press ENTER', timeout);
    showLcd();
    step(`${first} walks up to ${atmId} (profile ${profile.id}: ${profile.name}) and presses ENTER`);
    await person.press('ENTER');
    const { requestedFinger } = await person.untilState('session.auth.fingerprint.waiting', timeout);
    await person.untilLcd(`Place finger ${requestedFinger}`, timeout);
    showLcd();

    step(`The ATM asks for finger ${requestedFinger} (chosen at random); ${first} places finger ${requestedFinger}`);
    await person.placeFinger(requestedFinger!, customer.id);
    await person.untilState('session.auth.pin.entering', timeout);
    await person.untilLcd('Enter PIN', timeout);
    showLcd();

    step(`${first} types the PIN`);
    await person.type(customer.pin);
    await person.untilState('session.auth.otp.entering', timeout);
    showLcd();

    step(`An OTP is on its way by SMS to ${mask(customer.kyc.phone)}; ${first} reads it on the phone`);
    const sms = await person.untilSms(customer.kyc.phone, 1, timeout);
    // Even the phone's screen is masked on the console: a console is a log, and logs never show a code.
    print(`  ${paint('green', '📱 ' + maskSecrets(sms.text))}   (${first} reads the code and types it)`);
    await person.type(otpFromSms(sms.text));
    await person.untilState('session.menu', timeout);
    await person.untilLcd('1 Withdraw', timeout);
    showLcd();

    step(`${first} chooses 1 (withdraw) and asks for ${amount}.00`);
    const mark = person.messages.length;
    await person.press('1');
    await person.untilState('session.withdraw.amount', timeout);
    await person.type(String(amount));
    const dispensed = await person.nextMessage('/dispenser/evt/dispensed', mark, timeout);
    await person.untilLcd('Take your cash', timeout);
    showLcd();

    step(`${first} takes the cash and presses CANCEL to finish`);
    await person.takeCash();
    await person.press('CANCEL');
    const ended = await person.nextMessage('/session/evt/ended', mark, timeout);
    await person.untilLcd('Thank you', timeout).catch(() => undefined);
    showLcd();
    await person.untilState('idle', timeout);

    const balanceAfter = await balance();
    const ok = ended.payload.reason === 'completed' && balanceAfter === balanceBefore - amount * 100;
    print('');
    print(
      ok
        ? paint(
            'green',
            `✔ Session completed: dispensed ${JSON.stringify(dispensed.payload.notes)}; balance ${balanceBefore / 100} -> ${balanceAfter / 100}`,
          )
        : paint('red', `✘ Session ended with ${String(ended.payload.reason)}; balance ${balanceBefore / 100} -> ${balanceAfter / 100}`),
    );
    return { ok, dispensed: dispensed.payload as DemoResult['dispensed'], balanceBefore, balanceAfter };
  } finally {
    await trace.close();
    await person.close();
  }
}
