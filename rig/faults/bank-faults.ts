/**
 * Bank faults, between the network and the ATM routes (after the ATM's login, so a rule can name the ATM):
 *   delay      the request waits on the rig clock before the bank looks at it ("the bank answers after 5 s")
 *   partition  the connection is cut before the bank sees the request (the ATM cannot reach the bank)
 *   drop       the bank does the work and its answer is lost (the ATM cannot know whether money moved)
 * The trace names the route's pattern (`/accounts/:number/withdrawals`), never the account or card in the URL.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sleep } from '../../core/clock.ts';
import { atmOf } from '../bank/client-auth.ts';
import type { FaultInjector } from './injector.ts';

export function bankFaults(injector: FaultInjector): (app: FastifyInstance) => void {
  return (app) => {
    // The ATM routes, as they are registered after this: a rule's path must start one of them.
    app.addHook('onRoute', (route) => injector.addBankRoute(route.url));
    const answerLost = new WeakSet<FastifyRequest>();
    app.addHook('onRequest', async (req, reply) => {
      const atm = atmOf(req.bankClient);
      if (!atm || injector.rules.length === 0) return;
      const route = req.routeOptions.url ?? req.url.split('?')[0]!;
      const rule = injector.bankFaultFor(atm, route);
      if (!rule) return;
      injector.report({ id: rule.id, action: rule.action, where: `${req.method} ${route}`, from: atm });
      if (rule.action === 'delay') await sleep(injector.clock, injector.delayOf(rule));
      else if (rule.action === 'partition') {
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
      } else answerLost.add(req);
    });
    app.addHook('onSend', async (req, reply, payload) => {
      if (!answerLost.has(req)) return payload;
      // The work is done (and durable); the answer never leaves.
      reply.hijack();
      req.raw.socket.destroy();
      return payload;
    });
  };
}
