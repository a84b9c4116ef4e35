import { X509Certificate } from 'crypto';
import { isIP } from 'net';
import { generate } from 'selfsigned';

/** A self-signed certificate for a server on the LAN, and the SHA-256 fingerprint clients pin instead of trusting a CA. */
export interface LanCertificate {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 of the certificate (DER), 64 lower-case hex digits: travels in links and is shown to the user. */
  readonly fingerprint: string;
}

/** Generates a certificate (P-256) naming `address` (an IP or a host name), valid for `days`. */
export async function generateLanCertificate(address: string, days = 30): Promise<LanCertificate> {
  const altName = isIP(address) ? { type: 7 as const, ip: address } : { type: 2 as const, value: address };
  const pems = await generate([{ name: 'commonName', value: 'Remote Assist' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + days * 86_400_000),
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [altName] }],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: certificateFingerprint(pems.cert) };
}

/** The SHA-256 fingerprint of a PEM or DER certificate as 64 lower-case hex digits. */
export function certificateFingerprint(cert: string | Buffer): string {
  return normaliseFingerprint(new X509Certificate(cert).fingerprint256);
}

/** "AB:CD:…" or "abcd…" → "abcd…". */
export function normaliseFingerprint(text: string): string {
  return text.replace(/:/g, '').toLowerCase();
}
