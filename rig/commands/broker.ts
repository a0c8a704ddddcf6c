/** `atm-rig broker`: the embedded MQTT broker alone, for a lab without a broker of its own (docs/roles.md). */
import type { Command } from 'commander';
import { examples, runs, withOptions } from '../cli-args.ts';
import type { RoleOptions } from './role-config.ts';

export function defineBroker(program: Command): void {
  const cmd = program
    .command('broker')
    .summary("the embedded MQTT broker alone, with the lab's bus users: atm-rig broker --data lab/bank.sqlite --mqtt-host 0.0.0.0")
    .description(
      "Run the rig's embedded MQTT broker (Aedes, with the rig's bus users, ACL and packet limits) alone, for a lab whose bank and " +
        'ATMs run as other processes or on other hosts. Its users and ATMs are those of <data>/bus/passwd, checked against their ' +
        'hashes as Mosquitto does (atm-rig bank --atms writes it; copy passwd beside --data on the broker host). SIGHUP ' +
        '(kill -HUP) reads the file again. ' +
        'A lab with Mosquitto needs no broker command: Mosquitto reads <data>/bus/passwd and acl.',
    );
  withOptions(cmd, 'config', 'mqtt-host', 'mqtt-port', 'ws-port', 'insecure-bus', 'tls', 'data');
  examples(cmd, [['atm-rig broker --data lab/bank.sqlite --mqtt-host 0.0.0.0', "the broker for the lab's ATMs, on every interface"]]);
  cmd.action(
    runs(async (opts: RoleOptions) => {
      const { roleConfig } = await import('./role-config.ts');
      const { startBrokerRole } = await import('../roles/broker-role.ts');
      const { untilSignal } = await import('./shared.ts');
      const broker = await startBrokerRole(await roleConfig(opts, 'broker'));
      for (const line of broker.banner) console.log(line);
      // SIGHUP reads the password file again, as Mosquitto does: ATMs the bank added since come in.
      const onHup = () =>
        void broker.reload().then(
          (said) => console.log(said),
          (err: Error) => console.error(`not reloaded: ${err.message}`),
        );
      process.on('SIGHUP', onHup);
      await untilSignal();
      process.off('SIGHUP', onHup);
      await broker.close();
      return 0;
    }),
  );
}
