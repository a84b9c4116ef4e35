/**
 * File transfer ("Send a File") messages.
 * - Peer seam: the negotiated `files` data channel between the two machines. Control messages are JSON
 *   text (`FilePeerMessage`); file bytes travel as binary frames `[u32 big-endian transfer id][bytes]`.
 *   Ids are chosen by the sender of a transfer, so a binary frame always belongs to a transfer the remote
 *   side sends; each message type has one fixed direction (sender → receiver or receiver → sender).
 * - Host seam: the extension ↔ host process `service` messages of the host's files service.
 */
import { z } from 'zod';

/** The negotiated data channel that carries file transfers (id from the range peer.ts reserves for files). */
export const FILES_CHANNEL = { label: 'files', id: 20, ordered: true } as const;

/** Upper bound on one JSON control message on the files channel. */
export const FILE_MESSAGE_MAX_BYTES = 4096;
/** Bytes before the payload in a binary frame (the transfer id). */
export const FILE_FRAME_HEADER_BYTES = 4;
/** Largest binary frame a receiver accepts (libwebrtc and Chromium both handle 256 KiB messages). */
export const FILE_FRAME_MAX_BYTES = 256 * 1024;

export const TransferId = z.number().int().min(1).max(0xffff_ffff);
/** The name as the sender offers it; the receiver sanitises it before showing or using it. */
export const OfferedName = z.string().min(1).max(1024);
export const FileSize = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Why a transfer stopped early; stable, shown to both users. */
export const FileErrorCode = z.enum([
  'ERR_CANCELLED', // a user cancelled
  'ERR_DECLINED', // the receiver declined
  'ERR_TOO_LARGE', // over the receiver's maximum size
  'ERR_BUSY', // the receiver has too many offers pending
  'ERR_BAD_NAME', // nothing usable remained of the name after sanitising
  'ERR_SIZE_MISMATCH', // the sender sent more or fewer bytes than it offered
  'ERR_HASH_MISMATCH', // the SHA-256 of the received bytes differs from the sender's
  'ERR_FLOW', // the sender ignored the receiver's flow-control window
  'ERR_PROTOCOL', // a message arrived in the wrong state
  'ERR_READ', // the sender could not read its file (changed, vanished)
  'ERR_WRITE', // the receiver could not write (disk full, permissions)
  'ERR_EXISTS', // the target exists and overwriting was not chosen
  'ERR_DISCONNECTED', // the channel closed mid-transfer
]);
export type FileErrorCode = z.infer<typeof FileErrorCode>;

export const FilePeerMessage = z.discriminatedUnion('type', [
  /** sender → receiver: a file is offered; nothing flows before `accept`. */
  z.object({ type: z.literal('offer'), id: TransferId, name: OfferedName, size: FileSize }),
  /** receiver → sender: accepted; the sender may send bytes [0, window). */
  z.object({ type: z.literal('accept'), id: TransferId, window: FileSize }),
  /** receiver → sender: more credit; the sender may send up to byte `upTo` (exclusive). */
  z.object({ type: z.literal('credit'), id: TransferId, upTo: FileSize }),
  /** receiver → sender: declined before any byte flowed. */
  z.object({ type: z.literal('decline'), id: TransferId, code: FileErrorCode }),
  /** sender → receiver: every byte was sent; here is the SHA-256 of all of them. */
  z.object({ type: z.literal('end'), id: TransferId, sha256: Sha256Hex }),
  /** receiver → sender: verified and renamed into place. */
  z.object({ type: z.literal('done'), id: TransferId }),
  /** sender → receiver: the sender stopped (cancel or failure); the receiver discards what it has. */
  z.object({ type: z.literal('senderStop'), id: TransferId, code: FileErrorCode }),
  /** receiver → sender: the receiver stopped (cancel or failure); the sender stops sending. */
  z.object({ type: z.literal('receiverStop'), id: TransferId, code: FileErrorCode }),
]);
export type FilePeerMessage = z.infer<typeof FilePeerMessage>;

export const TransferDirection = z.enum(['send', 'receive']);
export type TransferDirection = z.infer<typeof TransferDirection>;

export const TransferState = z.enum([
  'queued', // send: waiting for earlier sends to finish
  'offered', // waiting for the receiver's decision
  'transferring',
  'verifying', // all bytes moved; the receiver checks the hash and renames
  'completed',
  'declined',
  'cancelled',
  'failed',
]);
export type TransferState = z.infer<typeof TransferState>;

/** What the UI shows about one transfer. */
export const TransferSnapshot = z.object({
  /** Unique on this side: direction + wire id. */
  key: z.string().max(32),
  direction: TransferDirection,
  /** Sanitised for received files; the local base name for sent ones. */
  name: z.string().max(1024),
  size: FileSize,
  state: TransferState,
  bytes: FileSize,
  bytesPerSecond: z.number().min(0),
  /** Estimated seconds to go; absent until a rate is known. */
  secondsLeft: z.number().min(0).optional(),
  /** Why it stopped, for declined/cancelled/failed. */
  code: FileErrorCode.optional(),
  /** Where the received file was saved (completed receives). */
  savedPath: z.string().max(4096).optional(),
  /** The SHA-256 both sides agreed on (hex), once completed. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type TransferSnapshot = z.infer<typeof TransferSnapshot>;

/** The host's files service name in HostCommand/HostEvent `service` messages. */
export const FILES_SERVICE = 'files';

const LocalPath = z.string().min(1).max(4096);

/** extension → host files service (the sharer's consent and choices). */
export const FilesHostCommand = z.discriminatedUnion('type', [
  /** Queue a local file for sending to the helper. */
  z.object({ type: z.literal('send'), path: LocalPath }),
  /** The sharer accepted an offer and chose where to save it. */
  z.object({ type: z.literal('accept'), key: z.string().max(32), path: LocalPath, overwrite: z.boolean() }),
  z.object({ type: z.literal('decline'), key: z.string().max(32) }),
  z.object({ type: z.literal('cancel'), key: z.string().max(32) }),
  /** The sharer's settings; offers over `maxBytes` are declined without asking. */
  z.object({ type: z.literal('configure'), maxBytes: FileSize }),
]);
export type FilesHostCommand = z.infer<typeof FilesHostCommand>;

/** host files service → extension. */
export const FilesHostEvent = z.discriminatedUnion('type', [
  /** The service exists (the session started); the extension answers with `configure`. */
  z.object({ type: z.literal('ready') }),
  /** The helper offers a file; ask the sharer (accept with a path, or decline). */
  z.object({ type: z.literal('offer'), key: z.string().max(32), name: z.string().max(1024), size: FileSize }),
  /** A transfer changed state or made progress (progress at most every 250 ms). */
  z.object({ type: z.literal('transfer'), transfer: TransferSnapshot }),
  /** A command failed (bad path, unknown key); nothing changed. */
  z.object({ type: z.literal('error'), code: z.string().max(32), message: z.string().max(2000) }),
]);
export type FilesHostEvent = z.infer<typeof FilesHostEvent>;
export const FILES_HOST_MESSAGE_MAX_BYTES = 16 * 1024;

/**
 * Panel webview ↔ extension, for the helper: the files channel lives on the panel's peer, the engine and the
 * disk in the extension, so the panel relays the channel. Binary frames travel as Uint8Array (VS Code's
 * webview messaging transfers typed arrays as binary; base64 text capped the helper near 7 MB/s).
 */
const FrameBytes = z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength <= FILE_FRAME_MAX_BYTES, `a frame is at most ${FILE_FRAME_MAX_BYTES} bytes`);

/** panel → extension. */
export const PanelFilesEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('viewerFilesOpen') }),
  z.object({ type: z.literal('viewerFilesClose') }),
  /** A JSON control message from the peer (the engine validates it). */
  z.object({ type: z.literal('viewerFilesText'), text: z.string().max(FILE_MESSAGE_MAX_BYTES) }),
  z.object({ type: z.literal('viewerFilesFrame'), bytes: FrameBytes }),
  /** `sent` bytes left the relay for the channel, which now buffers `bufferedAmount` bytes. */
  z.object({ type: z.literal('viewerFilesDrained'), sent: z.number().int().min(0), bufferedAmount: z.number().int().min(0) }),
  /** The helper dropped files (from VS Code's Explorer or the desktop) on the panel: their URIs. */
  z.object({ type: z.literal('viewerFilesDropped'), uris: z.array(z.string().min(1).max(4096)).min(1).max(64) }),
]);
export type PanelFilesEvent = z.infer<typeof PanelFilesEvent>;

/** extension → panel. */
export const PanelFilesCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('viewerFilesSendText'), text: z.string().max(FILE_MESSAGE_MAX_BYTES) }),
  z.object({ type: z.literal('viewerFilesSendFrame'), bytes: FrameBytes }),
  /** A transfer changed or progressed: the panel shows bytes, rate and time left. */
  z.object({ type: z.literal('viewerFilesProgress'), transfer: TransferSnapshot }),
]);
export type PanelFilesCommand = z.infer<typeof PanelFilesCommand>;
