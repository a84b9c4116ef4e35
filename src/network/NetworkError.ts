import type { NetworkErrorCode } from '../protocol/network';

/** Codes raised by the client itself rather than sent by the server. */
export type ClientErrorCode =
  | 'ERR_CONNECTION_LOST' // the connection dropped while the request was in flight
  | 'ERR_NOT_CONNECTED' // no open, signed-in connection to send on
  | 'ERR_TIMEOUT' // no reply in time
  | 'ERR_DISPOSED' // the client was disposed
  | 'ERR_BAD_SERVER_MESSAGE' // the server sent something that failed validation
  | 'ERR_CERT_MISMATCH'; // the server's certificate is not the one the link pinned

/** A failed request: `code` is stable (server codes from the protocol, or client codes above). */
export class NetworkError extends Error {
  constructor(
    readonly code: NetworkErrorCode | ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}
