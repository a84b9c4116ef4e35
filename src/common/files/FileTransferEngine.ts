/**
 * FileTransferEngine: both directions of "Send a File" over one ordered data channel. Environment-neutral
 * (no Node or DOM imports): the channel, the byte sources/sinks and the hasher are handed in.
 *
 * Sending: files queue; one is offered at a time; after `accept` the bytes stream in frames, paced by the
 * channel's bufferedAmount (sender memory) and by the receiver's credit window (receiver memory).
 * Receiving: an offer is shown to the user and nothing is written before `accept(key, sink)`; the SHA-256
 * of the received bytes must match the sender's before the sink renames the file into place. Every
 * failure path aborts the sink, so no partial file stays behind.
 */
import {
  FILE_FRAME_HEADER_BYTES,
  FILE_FRAME_MAX_BYTES,
  FILE_MESSAGE_MAX_BYTES,
  FileErrorCode,
  FilePeerMessage,
  TransferSnapshot,
} from '../../protocol/files';
import { decodeMessage } from '../../protocol/validate';
import { IDisposable, Emitter } from '../lifecycle';
import { Logger, silentLogger } from '../logger';
import type { ByteSink, ByteSource, Hasher } from './ByteStreams';
import type { ChannelEvent, FileChannel } from './FileChannel';
import { FileTransferError } from './FileTransferError';
import { sanitizeFileName } from './fileName';
import { isFinished, Transfer } from './Transfer';

export interface FileTransferEngineOptions {
  createHasher(): Hasher;
  /** Offers larger than this are declined without asking (the max-size setting). */
  maxIncomingBytes?: number;
  /** Payload bytes per frame. */
  chunkBytes?: number;
  /** Receiver credit: bytes the sender may have in flight beyond what the receiver has written. */
  windowBytes?: number;
  /** The sender pauses while the channel buffers more than this. */
  highWaterBytes?: number;
  /** Incoming offers awaiting a decision beyond this are declined as busy. */
  maxPendingOffers?: number;
  /** Incoming offers beyond this many per minute are declined as busy, so a peer cannot flood the user with prompts. */
  maxOffersPerMinute?: number;
  /** Least time between two progress events of one transfer. */
  progressIntervalMs?: number;
  logger?: Logger;
  now?: () => number;
}

/** An incoming file the user must accept (with a sink) or decline. */
export interface IncomingOffer {
  readonly key: string;
  /** Sanitised; safe as a single path segment. */
  readonly name: string;
  /** As offered, for display only. */
  readonly offeredName: string;
  readonly size: number;
}

const DEFAULTS = {
  maxIncomingBytes: Number.MAX_SAFE_INTEGER,
  // The largest frame Chromium and libwebrtc accept; measured 52 MB/s vs 36 MB/s with 64 KiB frames.
  chunkBytes: FILE_FRAME_MAX_BYTES - FILE_FRAME_HEADER_BYTES,
  // A few times a 100 Mbit/s, 20 ms link's bandwidth-delay product (250 KB): enough to keep such a link full,
  // small enough that SCTP's slow start cannot pour more into the path than a router's queue holds. With
  // 16 MiB the overshoot lost hundreds of packets at once and libwebrtc's SCTP took 10-90 s to recover
  // (20 % of the link; bench/files/README.md, "On a shaped link").
  windowBytes: 1024 * 1024,
  highWaterBytes: 4 * 1024 * 1024,
  maxPendingOffers: 8,
  maxOffersPerMinute: 30,
  progressIntervalMs: 250,
};
/** libwebrtc drops every later message once a channel buffers more than this (wrtc still says `open`). */
const CHANNEL_SEND_QUEUE_MAX_BYTES = 16 * 1024 * 1024;
/** How often a blocked sender re-checks bufferedAmount when the channel sends no bufferedamountlow. */
const DRAIN_POLL_MS = 2;
/** Finished transfers kept for lookups of late messages; older ones are forgotten. */
const FINISHED_KEPT = 64;

export class FileTransferEngine implements IDisposable {
  private readonly _onDidOffer = new Emitter<IncomingOffer>();
  /** An incoming offer awaits the user's decision. */
  readonly onDidOffer = this._onDidOffer.event;
  private readonly _onDidChange = new Emitter<TransferSnapshot>();
  /** A transfer changed state, or made progress (throttled). */
  readonly onDidChange = this._onDidChange.event;

  private readonly opts: Required<Omit<FileTransferEngineOptions, 'logger' | 'now' | 'createHasher'>>;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly outgoing = new Map<number, Transfer>();
  private readonly incoming = new Map<number, Transfer>();
  private readonly lastProgress = new Map<string, number>();
  private nextId = 1;
  /** When recent incoming offers arrived, for the per-minute limit. */
  private offerTimes: number[] = [];
  /** Wakes the sending pump on credit, drained buffers or a state change. */
  private wakeups: (() => void)[] = [];
  private pumping = false;
  private disposed = false;
  private readonly frame: Uint8Array;
  private readonly listeners: [Parameters<FileChannel['addEventListener']>[0], (e: ChannelEvent) => void][];

  constructor(
    private readonly channel: FileChannel,
    private readonly options: FileTransferEngineOptions,
  ) {
    this.opts = {
      maxIncomingBytes: options.maxIncomingBytes ?? DEFAULTS.maxIncomingBytes,
      chunkBytes: options.chunkBytes ?? DEFAULTS.chunkBytes,
      windowBytes: options.windowBytes ?? DEFAULTS.windowBytes,
      highWaterBytes: options.highWaterBytes ?? DEFAULTS.highWaterBytes,
      maxPendingOffers: options.maxPendingOffers ?? DEFAULTS.maxPendingOffers,
      maxOffersPerMinute: options.maxOffersPerMinute ?? DEFAULTS.maxOffersPerMinute,
      progressIntervalMs: options.progressIntervalMs ?? DEFAULTS.progressIntervalMs,
    };
    if (this.opts.chunkBytes < 1 || this.opts.chunkBytes + FILE_FRAME_HEADER_BYTES > FILE_FRAME_MAX_BYTES) {
      throw new RangeError(`chunkBytes must be 1…${FILE_FRAME_MAX_BYTES - FILE_FRAME_HEADER_BYTES}`);
    }
    // The sender may add one frame after the last check, so the channel buffers at most highWater + a frame.
    if (this.opts.highWaterBytes < 1 || this.opts.highWaterBytes + FILE_FRAME_MAX_BYTES >= CHANNEL_SEND_QUEUE_MAX_BYTES) {
      throw new RangeError(`highWaterBytes must be 1…${CHANNEL_SEND_QUEUE_MAX_BYTES - FILE_FRAME_MAX_BYTES - 1}`);
    }
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? (() => Date.now());
    // One reused frame buffer: the channel copies on send, and wrtc needs a whole (unsliced) buffer.
    this.frame = new Uint8Array(FILE_FRAME_HEADER_BYTES + this.opts.chunkBytes);
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = Math.floor(this.opts.highWaterBytes / 2);
    this.listeners = [
      ['message', (e) => this.receive(e.data)],
      ['bufferedamountlow', () => this.wake()],
      ['open', () => this.startNextSend()],
      ['close', () => this.onClosed()],
    ];
    for (const [type, listener] of this.listeners) channel.addEventListener(type, listener);
  }

  /** Changes the maximum size of files this side accepts (setting changed). */
  setMaxIncomingBytes(bytes: number): void {
    this.opts.maxIncomingBytes = bytes;
  }

  /** Queues a file for sending; returns its key. The engine closes the source when the transfer ends. */
  send(source: ByteSource): string {
    if (this.disposed) throw new Error('FileTransferEngine is disposed');
    const transfer = new Transfer('send', this.nextId++, source.name, source.size, this.options.createHasher(), this.now, source);
    this.outgoing.set(transfer.id, transfer);
    this.changed(transfer);
    this.startNextSend();
    return transfer.key;
  }

  /** Accepts an offer; bytes go to `sink`. */
  accept(key: string, sink: ByteSink): void {
    const transfer = this.find(key);
    if (transfer?.direction !== 'receive' || transfer.state !== 'offered') {
      void sink.abort();
      throw new FileTransferError('ERR_PROTOCOL', `no pending offer ${key}`);
    }
    transfer.sink = sink;
    transfer.grantedUpTo = Math.min(transfer.size, this.opts.windowBytes);
    transfer.moveTo('transferring');
    this.changed(transfer);
    this.sendMessage({ type: 'accept', id: transfer.id, window: transfer.grantedUpTo });
  }

  decline(key: string): void {
    const transfer = this.find(key);
    if (transfer?.direction !== 'receive' || transfer.state !== 'offered') {
      throw new FileTransferError('ERR_PROTOCOL', `no pending offer ${key}`);
    }
    this.sendMessage({ type: 'decline', id: transfer.id, code: 'ERR_DECLINED' });
    transfer.moveTo('declined', 'ERR_DECLINED');
    this.finish(transfer);
  }

  /** Cancels a transfer in either direction, at any stage before it finished. */
  cancel(key: string): void {
    const transfer = this.find(key);
    if (!transfer) throw new FileTransferError('ERR_PROTOCOL', `no transfer ${key}`);
    if (isFinished(transfer.state)) return;
    this.stop(transfer, 'ERR_CANCELLED', true);
  }

  get(key: string): TransferSnapshot | undefined {
    return this.find(key)?.snapshot();
  }

  dispose(): void {
    if (this.disposed) return;
    // The session is ending: to the peer that is the connection going away, not a user's Cancel, and it
    // is said before the channel closes since a closing peer may never deliver the channel's close.
    for (const transfer of [...this.outgoing.values(), ...this.incoming.values()]) {
      if (!isFinished(transfer.state)) this.stop(transfer, 'ERR_DISCONNECTED', true);
    }
    this.disposed = true;
    for (const [type, listener] of this.listeners) this.channel.removeEventListener(type, listener);
    this.wake();
    this._onDidOffer.dispose();
    this._onDidChange.dispose();
  }

  // ---- receiving ----

  private receive(data: unknown): void {
    if (this.disposed) return;
    if (typeof data === 'string') {
      let message: FilePeerMessage;
      try {
        message = decodeMessage(FilePeerMessage, data, FILE_MESSAGE_MAX_BYTES);
      } catch (err) {
        this.log.warn(`files: ignored an invalid message from the peer: ${(err as Error).message}`);
        return;
      }
      this.handle(message);
    } else if (data instanceof ArrayBuffer) {
      this.receiveFrame(data);
    } else {
      this.log.warn('files: ignored a message that is neither text nor binary');
    }
  }

  private handle(message: FilePeerMessage): void {
    // Messages from the remote sender name incoming transfers; from the remote receiver, outgoing ones.
    switch (message.type) {
      case 'offer':
        return this.onOffer(message.id, message.name, message.size);
      case 'end':
        return void this.onEnd(message.id, message.sha256);
      case 'senderStop': {
        const transfer = this.incoming.get(message.id);
        if (transfer && !isFinished(transfer.state)) this.stop(transfer, message.code, false);
        return;
      }
      case 'accept':
      case 'credit':
      case 'decline':
      case 'done':
      case 'receiverStop':
        return this.onReceiverMessage(message);
    }
  }

  private onOffer(id: number, offeredName: string, size: number): void {
    if (this.incoming.has(id)) {
      this.log.warn(`files: the peer reused transfer id ${id}; ignored`);
      return;
    }
    let name: string;
    let refusal: FileErrorCode | undefined;
    try {
      name = sanitizeFileName(offeredName);
    } catch {
      name = '(unnamed)';
      refusal = 'ERR_BAD_NAME';
    }
    const pending = [...this.incoming.values()].filter((t) => t.state === 'offered').length;
    if (!refusal && size > this.opts.maxIncomingBytes) refusal = 'ERR_TOO_LARGE';
    const now = this.now();
    this.offerTimes = this.offerTimes.filter((t) => now - t < 60_000);
    this.offerTimes.push(now);
    if (!refusal && (pending >= this.opts.maxPendingOffers || this.offerTimes.length > this.opts.maxOffersPerMinute)) refusal = 'ERR_BUSY';
    const transfer = new Transfer('receive', id, name, size, this.options.createHasher(), this.now);
    this.incoming.set(id, transfer);
    if (refusal) {
      this.sendMessage({ type: 'decline', id, code: refusal });
      transfer.moveTo('declined', refusal);
      this.finish(transfer);
      return;
    }
    this.changed(transfer);
    this._onDidOffer.fire({ key: transfer.key, name, offeredName, size });
  }

  private receiveFrame(buffer: ArrayBuffer): void {
    if (buffer.byteLength < FILE_FRAME_HEADER_BYTES || buffer.byteLength > FILE_FRAME_MAX_BYTES) {
      this.log.warn(`files: ignored a frame of ${buffer.byteLength} bytes`);
      return;
    }
    const id = new DataView(buffer).getUint32(0);
    const transfer = this.incoming.get(id);
    // Bytes already in flight when this side stopped a transfer arrive after it; drop them quietly.
    if (!transfer || isFinished(transfer.state)) return;
    if (transfer.state !== 'transferring') return this.stop(transfer, 'ERR_FLOW', true);
    const payload = new Uint8Array(buffer, FILE_FRAME_HEADER_BYTES);
    const end = transfer.bytes + payload.byteLength;
    if (end > transfer.size) return this.stop(transfer, 'ERR_SIZE_MISMATCH', true);
    if (end > transfer.grantedUpTo) return this.stop(transfer, 'ERR_FLOW', true);
    transfer.hasher.update(payload);
    transfer.bytes = end;
    const sink = transfer.sink;
    if (!sink) return this.stop(transfer, 'ERR_PROTOCOL', true);
    transfer.writeChain = transfer.writeChain.then(async () => {
      if (isFinished(transfer.state)) return;
      try {
        await sink.write(payload);
      } catch (err) {
        this.log.error(`files: writing ${transfer.name} failed: ${(err as Error).message}`);
        if (!isFinished(transfer.state)) this.stop(transfer, 'ERR_WRITE', true);
        return;
      }
      transfer.written += payload.byteLength;
      this.grantCredit(transfer);
    });
    this.progress(transfer);
  }

  /** Re-opens the window once a quarter of it has been written. */
  private grantCredit(transfer: Transfer): void {
    if (transfer.state !== 'transferring') return;
    const upTo = Math.min(transfer.size, transfer.written + this.opts.windowBytes);
    if (upTo - transfer.grantedUpTo >= this.opts.windowBytes / 4 || (upTo === transfer.size && upTo > transfer.grantedUpTo)) {
      transfer.grantedUpTo = upTo;
      this.sendMessage({ type: 'credit', id: transfer.id, upTo });
    }
  }

  private async onEnd(id: number, sha256: string): Promise<void> {
    const transfer = this.incoming.get(id);
    if (!transfer || isFinished(transfer.state)) return;
    if (transfer.state !== 'transferring') return this.stop(transfer, 'ERR_PROTOCOL', true);
    transfer.moveTo('verifying');
    this.changed(transfer);
    await transfer.writeChain;
    if (!transfer.is('verifying')) return;
    if (transfer.bytes !== transfer.size) return this.stop(transfer, 'ERR_SIZE_MISMATCH', true);
    if (transfer.hasher.digestHex() !== sha256) return this.stop(transfer, 'ERR_HASH_MISMATCH', true);
    transfer.sha256 = sha256;
    let savedPath: string;
    try {
      savedPath = await transfer.sink!.commit();
    } catch (err) {
      const code = err instanceof FileTransferError ? err.code : 'ERR_WRITE';
      this.log.error(`files: saving ${transfer.name} failed: ${(err as Error).message}`);
      if (transfer.is('verifying')) this.stop(transfer, code, true);
      return;
    }
    if (!transfer.is('verifying')) return;
    transfer.savedPath = savedPath;
    this.sendMessage({ type: 'done', id });
    transfer.moveTo('completed');
    this.finish(transfer);
  }

  // ---- sending ----

  private onReceiverMessage(message: Extract<FilePeerMessage, { type: 'accept' | 'credit' | 'decline' | 'done' | 'receiverStop' }>): void {
    const transfer = this.outgoing.get(message.id);
    if (!transfer || isFinished(transfer.state)) return;
    const expected: Record<typeof message.type, string> = {
      accept: 'offered',
      credit: 'transferring',
      decline: 'offered',
      done: 'verifying',
      receiverStop: transfer.state,
    };
    if (transfer.state !== expected[message.type]) {
      if (message.type === 'credit' && transfer.state === 'verifying') return; // a late credit is harmless
      this.log.warn(`files: ${message.type} for ${transfer.key} in state ${transfer.state}`);
      return this.stop(transfer, 'ERR_PROTOCOL', true);
    }
    switch (message.type) {
      case 'accept':
        transfer.creditUpTo = message.window;
        transfer.moveTo('transferring');
        this.changed(transfer);
        void this.pump();
        return;
      case 'credit':
        transfer.creditUpTo = Math.max(transfer.creditUpTo, message.upTo);
        this.wake();
        return;
      case 'decline':
        transfer.moveTo('declined', message.code);
        this.finish(transfer);
        return;
      case 'done':
        transfer.moveTo('completed');
        this.finish(transfer);
        return;
      case 'receiverStop':
        this.stop(transfer, message.code, false);
        return;
    }
  }

  private startNextSend(): void {
    if (this.disposed || this.channel.readyState !== 'open') return;
    const transfers = [...this.outgoing.values()];
    if (transfers.some((t) => t.state === 'offered' || t.state === 'transferring' || t.state === 'verifying')) return;
    const next = transfers.find((t) => t.state === 'queued');
    if (!next) return;
    next.moveTo('offered');
    this.changed(next);
    this.sendMessage({ type: 'offer', id: next.id, name: next.name, size: next.size });
  }

  /** Streams the transferring send; one pump at a time since only one send is active. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const transfer = [...this.outgoing.values()].find((t) => t.state === 'transferring');
        if (!transfer || this.disposed) return;
        if (transfer.bytes >= transfer.size) {
          transfer.moveTo('verifying');
          this.changed(transfer);
          transfer.sha256 = transfer.hasher.digestHex();
          this.sendMessage({ type: 'end', id: transfer.id, sha256: transfer.sha256 });
          continue;
        }
        if (transfer.bytes >= transfer.creditUpTo) {
          await new Promise<void>((resolve) => this.wakeups.push(resolve));
          continue;
        }
        if (this.channel.bufferedAmount > this.opts.highWaterBytes) {
          // @roamhq/wrtc never fires bufferedamountlow, so poll as well; browsers wake us earlier.
          const poll = setTimeout(() => this.wake(), DRAIN_POLL_MS);
          await new Promise<void>((resolve) => this.wakeups.push(resolve));
          clearTimeout(poll);
          continue;
        }
        const length = Math.min(this.opts.chunkBytes, transfer.size - transfer.bytes, transfer.creditUpTo - transfer.bytes);
        // wrtc sends an array's whole underlying buffer, so a short frame needs its own buffer.
        const frame = length === this.opts.chunkBytes ? this.frame : new Uint8Array(FILE_FRAME_HEADER_BYTES + length);
        new DataView(frame.buffer).setUint32(0, transfer.id);
        let read: number;
        try {
          read = await this.readFully(transfer.source!, transfer.bytes, frame, length);
        } catch (err) {
          this.log.error(`files: reading ${transfer.name} failed: ${(err as Error).message}`);
          read = -1;
        }
        if (transfer.state !== 'transferring') continue;
        if (read !== length) {
          this.stop(transfer, 'ERR_READ', true);
          continue;
        }
        transfer.hasher.update(frame.subarray(FILE_FRAME_HEADER_BYTES));
        try {
          this.channel.send(frame);
        } catch (err) {
          this.log.error(`files: send failed: ${(err as Error).message}`);
          this.stop(transfer, 'ERR_DISCONNECTED', false);
          continue;
        }
        transfer.bytes += length;
        this.progress(transfer);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async readFully(source: ByteSource, position: number, frame: Uint8Array, length: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const n = await source.read(position + done, frame, FILE_FRAME_HEADER_BYTES + done, length - done);
      if (n <= 0) break;
      done += n;
    }
    return done;
  }

  private wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const resolve of wakeups) resolve();
  }

  // ---- common ----

  /** Ends a transfer early; `tellPeer` when this side decided it (the peer's own stop needs no answer). */
  private stop(transfer: Transfer, code: FileErrorCode, tellPeer: boolean): void {
    if (tellPeer) {
      const type = transfer.direction === 'send' ? 'senderStop' : 'receiverStop';
      if (!(transfer.direction === 'send' && transfer.state === 'queued')) this.sendMessage({ type, id: transfer.id, code });
    }
    // A receiver has only what reached its sink: frames still waiting for the disk are dropped with the file.
    if (transfer.direction === 'receive') transfer.bytes = transfer.written;
    transfer.moveTo(code === 'ERR_CANCELLED' ? 'cancelled' : 'failed', code);
    this.finish(transfer);
  }

  /** Releases a finished transfer's resources, reports it and starts the next queued send. */
  private finish(transfer: Transfer): void {
    if (transfer.sink && transfer.state !== 'completed') {
      const sink = transfer.sink;
      // Abort after pending writes so the temp file is not recreated by a late write.
      void transfer.writeChain.then(() => sink.abort()).catch((err) => this.log.error(`files: cleanup failed: ${(err as Error).message}`));
    }
    if (transfer.source) void transfer.source.close().catch(() => undefined);
    this.lastProgress.delete(transfer.key);
    this.changed(transfer);
    this.forgetOldFinished(transfer.direction === 'send' ? this.outgoing : this.incoming);
    this.wake();
    this.startNextSend();
  }

  private forgetOldFinished(map: Map<number, Transfer>): void {
    const finished = [...map.values()].filter((t) => isFinished(t.state));
    for (const t of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) map.delete(t.id);
  }

  private onClosed(): void {
    for (const transfer of [...this.outgoing.values(), ...this.incoming.values()]) {
      if (!isFinished(transfer.state)) this.stop(transfer, 'ERR_DISCONNECTED', false);
    }
  }

  private progress(transfer: Transfer): void {
    const now = this.now();
    const last = this.lastProgress.get(transfer.key) ?? 0;
    if (now - last < this.opts.progressIntervalMs && transfer.bytes < transfer.size) return;
    this.lastProgress.set(transfer.key, now);
    this.changed(transfer);
  }

  private changed(transfer: Transfer): void {
    if (!this.disposed) this._onDidChange.fire(transfer.snapshot());
  }

  private find(key: string): Transfer | undefined {
    const match = /^(send|receive)-(\d+)$/.exec(key);
    if (!match) return undefined;
    return (match[1] === 'send' ? this.outgoing : this.incoming).get(Number(match[2]));
  }

  private sendMessage(message: FilePeerMessage): void {
    if (this.channel.readyState !== 'open') return;
    try {
      this.channel.send(JSON.stringify(message));
    } catch (err) {
      this.log.warn(`files: could not send ${message.type}: ${(err as Error).message}`);
    }
  }
}
