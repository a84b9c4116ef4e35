import type { NetworkErrorCode } from '../protocol/network';

/** A refused request: sent back to the client as an `error` reply with this stable code; nothing changed. */
export class ServiceError extends Error {
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
