/** Where the engine reads sent bytes from and writes received bytes to; one adapter per environment. */

export interface ByteSource {
  /** Base name shown to the receiver. */
  readonly name: string;
  /** Size fixed when the file was picked; the engine sends exactly this many bytes. */
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `into[offset…]`; returns how many were read. */
  read(position: number, into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

export interface ByteSink {
  /** Appends bytes to a temporary file; nothing appears under the final name before `commit`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Moves the verified temporary file into place; returns where it landed. */
  commit(): Promise<string>;
  /** Deletes the temporary file; safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
}

/** Incremental SHA-256. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digestHex(): string;
}
