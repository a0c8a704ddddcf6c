/**
 * atm-rig nodes for Node-RED: a broker and a bank config node, and four nodes that flows use without knowing the
 * topic contract (docs/topics.md): `atm device in`, `atm device out`, `atm session`, `atm phone`, `atm bank`.
 */
const mqtt = require('mqtt');
const contract = require('./contract.js');

module.exports = function (RED) {
  // When Node-RED runs inside the rig (`npm run dashboard`), the rig passes its broker, bank and users here; a blank
  // field in a config node means "the rig's". In a Node-RED of your own, fill the fields in.
  const rig = (RED.settings && RED.settings.atmRig) || {};

  // ---- config: the rig's MQTT broker (one connection shared by every node that uses it) ----
  function AtmBrokerNode(config) {
    RED.nodes.createNode(this, config);
    this.url = config.url || rig.brokerUrl || 'mqtt://127.0.0.1:1883';
    this.atm = config.atm || rig.atm || 'atm-1';
    const options = { clientId: `atm-rig:node-red:${Math.floor(Math.random() * 2 ** 32).toString(36)}`, reconnectPeriod: 2000 };
    const user = this.credentials && this.credentials.username ? this.credentials : rig.bus;
    if (user && user.username) {
      options.username = user.username;
      options.password = user.password;
    }
    const node = this;
    const subscribers = new Set();
    this.client = mqtt.connect(this.url, options);
    this.client.on('connect', () => subscribers.forEach((s) => s.status({ fill: 'green', shape: 'dot', text: 'connected' })));
    this.client.on('close', () => subscribers.forEach((s) => s.status({ fill: 'red', shape: 'ring', text: 'disconnected' })));
    this.client.on('error', (err) => node.warn(`atm-rig broker ${node.url}: ${err.message}`));
    this.client.on('message', (topic, buf) => {
      let payload;
      try {
        payload = JSON.parse(buf.toString('utf8'));
      } catch {
        return;
      }
      for (const s of subscribers) s.deliver(topic, payload);
    });
    /** A node that wants messages on `filter`; its deliver(topic, payload) is called for every message until the
     *  node closes. */
    this.register = (user, filter) => {
      subscribers.add(user);
      user.on('close', () => subscribers.delete(user));
      this.client.subscribe(filter, { qos: 1 });
      user.status(
        this.client.connected ? { fill: 'green', shape: 'dot', text: 'connected' } : { fill: 'yellow', shape: 'ring', text: 'connecting' },
      );
    };
    this.on('close', (done) => this.client.end(true, {}, () => done()));
  }
  RED.nodes.registerType('atm-rig-broker', AtmBrokerNode, { credentials: { username: { type: 'text' }, password: { type: 'password' } } });

  // ---- config: the rig's bank (staff login for the staff routes) ----
  function AtmBankConfigNode(config) {
    RED.nodes.createNode(this, config);
    this.url = (config.url || rig.bankUrl || 'http://127.0.0.1:3000').replace(/\/$/, '');
    let token;
    const creds = this.credentials && this.credentials.username ? this.credentials : rig.staff || {};
    this.staffHeaders = async () => {
      if (!token || token.expiresAt - 60000 < Date.now()) {
        const res = await fetch(`${this.url}/staff/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: creds.username || 'admin', password: creds.password || '' }),
        });
        if (!res.ok) throw new Error(`staff login at ${this.url} failed: HTTP ${res.status}`);
        token = await res.json();
      }
      return { authorization: `Bearer ${token.token}` };
    };
  }
  RED.nodes.registerType('atm-rig-bank', AtmBankConfigNode, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });

  const atmOf = (node, config) => config.atm || node.broker.atm;
  // `+` (MQTT's one-level wildcard) in a node's ATM field: every ATM of the rig, and msg.atm says which.
  const EVERY_ATM = '+';
  const validAtm = (atm) => atm === EVERY_ATM || contract.level.test(atm);
  const fromAtm = (atm, parts) => atm === EVERY_ATM || parts[1] === atm;

  // ---- atm device in: a device's events and/or state ----
  function AtmDeviceInNode(config) {
    RED.nodes.createNode(this, config);
    this.broker = RED.nodes.getNode(config.broker);
    if (!this.broker) return void this.status({ fill: 'red', shape: 'ring', text: 'no broker configured' });
    const atm = atmOf(this, config);
    const device = config.device;
    if (!contract.devices.includes(device) || !validAtm(atm)) {
      this.error(`atm device in: unknown device "${device}" or bad ATM id "${atm}"`);
      return void this.status({ fill: 'red', shape: 'ring', text: 'bad configuration' });
    }
    const what = config.what || 'both';
    this.deliver = (topic, payload) => {
      const parts = topic.split('/');
      if (!fromAtm(atm, parts) || parts[2] !== device) return;
      if (parts[3] === 'evt' && what !== 'state') this.send({ topic: parts[4], payload, atm: parts[1], device, kind: 'event' });
      else if (parts[3] === 'state' && parts.length === 4 && what !== 'events')
        this.send({ topic: 'state', payload, atm: parts[1], device, kind: 'state' });
    };
    this.broker.register(this, [contract.topics.device(atm, device, 'evt', '+'), contract.topics.deviceState(atm, device)]);
  }
  RED.nodes.registerType('atm device in', AtmDeviceInNode);

  // ---- atm device out: a person's action (sim) or a command (cmd) to a device ----
  function AtmDeviceOutNode(config) {
    RED.nodes.createNode(this, config);
    this.broker = RED.nodes.getNode(config.broker);
    const node = this;
    this.on('input', (msg, send, done) => {
      const atm = msg.atm || config.atm || (node.broker && node.broker.atm);
      const device = msg.device || config.device;
      const channel = msg.channel || config.channel || 'sim';
      const name = msg.action || config.action;
      const fail = (why) => {
        node.status({ fill: 'red', shape: 'ring', text: why });
        done(new Error(`atm device out: ${why}`));
      };
      if (!node.broker) return fail('no broker configured');
      if (!contract.level.test(String(atm))) return fail(`bad ATM id "${atm}"`);
      if (!contract.devices.includes(device)) return fail(`unknown device "${device}"`);
      if (channel !== 'sim' && channel !== 'cmd') return fail(`channel must be sim or cmd, not "${channel}"`);
      if (!contract[channel][device].includes(name))
        return fail(`${device} has no ${channel} "${name}" (known: ${contract[channel][device].join(', ') || 'none'})`);
      let payload = msg.payload;
      // A bare key is the common case for a keypad: "5" or "ENTER".
      if (device === 'keypad' && name === 'press' && typeof payload === 'string') payload = { key: payload };
      if (payload === undefined || payload === null || payload === '') payload = {};
      if (typeof payload !== 'object' || Array.isArray(payload)) return fail('msg.payload must be an object');
      if (device === 'keypad' && name === 'press' && !contract.keys.test(String(payload.key))) return fail(`no key "${payload.key}"`);
      node.broker.client.publish(contract.topics.device(atm, device, channel, name), JSON.stringify(payload), { qos: 1 }, (err) => {
        if (err) return fail(err.message);
        node.status({ fill: 'green', shape: 'dot', text: `${device} ${name}` });
        done();
      });
    });
  }
  RED.nodes.registerType('atm device out', AtmDeviceOutNode);

  // ---- atm session: the session state and events of an ATM ----
  function AtmSessionNode(config) {
    RED.nodes.createNode(this, config);
    this.broker = RED.nodes.getNode(config.broker);
    if (!this.broker) return void this.status({ fill: 'red', shape: 'ring', text: 'no broker configured' });
    const atm = atmOf(this, config);
    if (!validAtm(atm)) {
      this.error(`atm session: bad ATM id "${atm}"`);
      return void this.status({ fill: 'red', shape: 'ring', text: 'bad configuration' });
    }
    this.deliver = (topic, payload) => {
      const parts = topic.split('/');
      if (!fromAtm(atm, parts) || parts[2] !== 'session') return;
      if (parts[3] === 'state') this.send({ topic: 'state', payload, atm: parts[1] });
      else if (parts[3] === 'evt') this.send({ topic: parts[4], payload, atm: parts[1] });
    };
    this.broker.register(this, [contract.topics.sessionState(atm), contract.topics.sessionEvent(atm, '+')]);
  }
  RED.nodes.registerType('atm session', AtmSessionNode);

  // ---- atm phone: SMS delivered to the customers' phones (one number, or every phone) ----
  function AtmPhoneNode(config) {
    RED.nodes.createNode(this, config);
    this.broker = RED.nodes.getNode(config.broker);
    if (!this.broker) return void this.status({ fill: 'red', shape: 'ring', text: 'no broker configured' });
    const number = String(config.phone || '').trim();
    if (number && !contract.msisdn.test(number)) {
      this.error(`atm phone: "${number}" is not a phone number in international format (+260971000001)`);
      return void this.status({ fill: 'red', shape: 'ring', text: 'bad phone number' });
    }
    // Topics carry the number's digits without "+": "+" is an MQTT wildcard (docs/topics.md).
    const digits = number.replace(/^\+/, '');
    this.deliver = (topic, payload) => {
      const parts = topic.split('/');
      if (parts[0] !== 'phone' || parts[2] !== 'inbox' || (digits && parts[1] !== digits)) return;
      this.send({ topic: `+${parts[1]}`, phone: `+${parts[1]}`, payload });
    };
    this.broker.register(this, digits ? contract.topics.phoneInbox(number) : contract.topics.phones);
  }
  RED.nodes.registerType('atm phone', AtmPhoneNode);

  // ---- atm bank: balance, ledger, customers, seed ----
  function AtmBankNode(config) {
    RED.nodes.createNode(this, config);
    this.bank = RED.nodes.getNode(config.bank);
    const node = this;
    this.on('input', async (msg, send, done) => {
      const action = msg.action || config.action || 'balance';
      try {
        if (!node.bank) throw new Error('no bank configured');
        const account = String(msg.account || config.account || '');
        let path;
        let method = 'GET';
        if (action === 'balance' || action === 'ledger') {
          if (!/^\d{10}$/.test(account)) throw new Error(`${action} needs msg.account, a 10-digit account number, not "${account}"`);
          const limit = Math.min(500, Math.max(1, Number(msg.limit || config.limit || 10)));
          path = action === 'balance' ? `/accounts/${account}` : `/accounts/${account}/ledger?limit=${limit}`;
        } else if (action === 'customers') {
          path = '/staff/customers';
        } else if (action === 'seed') {
          path = '/staff/seed';
          method = 'POST';
        } else {
          throw new Error(`unknown action "${action}": use balance, ledger, customers or seed`);
        }
        // Every bank route a dashboard reads needs a login; the config node's staff user has one.
        const headers = await node.bank.staffHeaders();
        const res = await fetch(node.bank.url + path, { method, headers });
        const body = await res.json();
        if (!res.ok) throw new Error(`bank ${method} ${path}: HTTP ${res.status} ${body && body.message ? body.message : ''}`);
        msg.payload = body;
        msg.topic = action;
        node.status({ fill: 'green', shape: 'dot', text: action });
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: err.message.slice(0, 40) });
        done(err);
      }
    });
  }
  RED.nodes.registerType('atm bank', AtmBankNode);
};
