import type { NetworkErrorCode } from '../protocol/network';

/** What the server reports to a metrics registry (the standalone server's Prometheus /metrics, see ops/). */
export interface ServerMetrics {
  /** A WebSocket connection was accepted (`opened`) or went away (`closed`; `signedIn`: it had signed in). */
  connection(change: 'opened' | 'closed', signedIn?: boolean): void;
  /** A request of this type was answered: `ok`, or refused with this error code. */
  request(type: string, outcome: 'ok' | NetworkErrorCode): void;
}

export const noMetrics: ServerMetrics = { connection() {}, request() {} };

/** The text a GET /metrics answers with, and its content type. */
export interface MetricsEndpoint {
  readonly contentType: string;
  render(): Promise<string>;
}
