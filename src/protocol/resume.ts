/**
 * What a VS Code window leaves for its next activation when it goes away mid-session (a window reload looks
 * exactly like closing VS Code from inside the extension): enough to sign in as the same client and rejoin.
 * Read back from disk, so it is validated like anything else that arrives from outside.
 */
import { z } from 'zod';
import { Alias, Person, Session, SessionRole } from './network';

/** Largest resume file read (bytes); anything bigger is not ours. */
export const RESUME_RECORD_MAX_BYTES = 4096;

export const ResumeRecord = z.strictObject({
  type: z.literal('resume'),
  /** The assistance network the session lives on. */
  serverUrl: z.string().min(1).max(2048),
  /** The account signed in there, and the client id its sessions are bound to (the device identity). */
  account: Alias,
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed client id'),
  sessionId: Session.shape.id,
  role: SessionRole,
  peer: Person,
  /** The sharer's last peer connection number: a resumed sharer counts on from it, so the helper takes its new one. */
  epoch: z.number().int().min(0).max(1_000_000),
  savedAt: z.number().int().nonnegative(),
});
export type ResumeRecord = z.infer<typeof ResumeRecord>;
/** The file's one message, as decodeMessage wants a union (coded errors for anything else). */
export const ResumeFile = z.discriminatedUnion('type', [ResumeRecord]);
