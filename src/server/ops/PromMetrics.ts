import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { NetworkErrorCode } from '../../protocol/network';
import type { MetricsEndpoint, ServerMetrics } from '../ServerMetrics';

const SIGN_INS = new Set(['signIn', 'signInWithToken', 'signInWithCode']);

/**
 * The standalone server's Prometheus metrics (prom-client): connected and signed-in clients, sign-ins, invitations, relayed
 * signaling messages and error replies by code, plus the process defaults (CPU, memory, event-loop lag, …).
 */
export class PromMetrics implements ServerMetrics, MetricsEndpoint {
  private readonly registry = new Registry();
  private readonly clients = new Gauge({ name: 'remote_assist_connected_clients', help: 'Open WebSocket connections on this process', registers: [this.registry] });
  private readonly signedIn = new Gauge({ name: 'remote_assist_signed_in_clients', help: 'Connections on this process that have signed in', registers: [this.registry] });
  private readonly connections = new Counter({ name: 'remote_assist_connections_total', help: 'WebSocket connections accepted', registers: [this.registry] });
  private readonly signIns = new Counter({ name: 'remote_assist_sign_ins_total', help: 'Sign-ins answered, by result (ok or the error code)', labelNames: ['result'], registers: [this.registry] });
  private readonly invitations = new Counter({ name: 'remote_assist_invitations_total', help: 'Invitations sent to a contact', registers: [this.registry] });
  private readonly relayed = new Counter({ name: 'remote_assist_relay_messages_total', help: 'Signaling messages relayed between the parties of a session', registers: [this.registry] });
  private readonly errors = new Counter({ name: 'remote_assist_errors_total', help: 'Error replies, by code (ERR_INTERNAL: a server fault)', labelNames: ['code'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  connection(change: 'opened' | 'closed', signedIn = false): void {
    if (change === 'opened') {
      this.clients.inc();
      this.connections.inc();
    } else {
      this.clients.dec();
      if (signedIn) this.signedIn.dec();
    }
  }

  request(type: string, outcome: 'ok' | NetworkErrorCode): void {
    if (SIGN_INS.has(type)) {
      this.signIns.inc({ result: outcome });
      if (outcome === 'ok') this.signedIn.inc();
    }
    if (outcome !== 'ok') {
      this.errors.inc({ code: outcome });
      return;
    }
    if (type === 'invite') this.invitations.inc();
    else if (type === 'signal') this.relayed.inc();
  }
}
