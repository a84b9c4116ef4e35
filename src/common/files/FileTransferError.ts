/** Errors of the file transfer engine, with the stable code both users see. */
import type { FileErrorCode } from '../../protocol/files';

export class FileTransferError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileTransferError';
  }
}

/** Human words for each code, for chat history and notifications. */
export const FILE_ERROR_TEXT: Record<FileErrorCode, string> = {
  ERR_CANCELLED: 'cancelled',
  ERR_DECLINED: 'declined',
  ERR_TOO_LARGE: 'larger than the receiver allows',
  ERR_BUSY: 'too many files pending',
  ERR_BAD_NAME: 'the file name is not usable',
  ERR_SIZE_MISMATCH: 'the sender sent a different number of bytes than it offered',
  ERR_HASH_MISMATCH: 'the received bytes do not match the sender’s SHA-256',
  ERR_FLOW: 'the sender ignored flow control',
  ERR_PROTOCOL: 'the other side broke the transfer protocol',
  ERR_READ: 'the file could not be read',
  ERR_WRITE: 'the file could not be written',
  ERR_EXISTS: 'a file with that name exists',
  ERR_DISCONNECTED: 'the connection closed',
};
