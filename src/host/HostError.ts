/** An error the host reports to the extension with a stable code. */
import { HostErrorCode } from '../protocol/host';

export class HostError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}
