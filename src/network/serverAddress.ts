/**
 * A server address as users paste it: `wss://host:port` or, for a server on the LAN with a generated
 * certificate, `wss://host:port/#sha256=<64 hex digits>` — the fragment pins that certificate (it never
 * reaches the server).
 */
const PIN = /#sha256=([0-9a-fA-F]{64})$/;

/** The address to connect to and the certificate fingerprint it pins, if any. */
export function splitServerAddress(address: string): { url: string; fingerprint?: string } {
  const match = PIN.exec(address);
  if (!match) return { url: address };
  return { url: address.slice(0, match.index).replace(/\/+$/, ''), fingerprint: match[1].toLowerCase() };
}

/** The address with its pinned fingerprint, as a team server shows it. */
export function pinnedServerAddress(url: string, fingerprint: string): string {
  return `${url}/#sha256=${fingerprint}`;
}

/** A warning for a ws:// address beyond this machine: what travels there can be read and changed on the way. */
export function plainTextWarning(address: string): string | undefined {
  const { url } = splitServerAddress(address);
  if (!url.startsWith('ws://')) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  if (host === 'localhost' || host === '[::1]' || /^127\./.test(host)) return undefined;
  return `${url} is not encrypted (ws://): anyone on the network between can read and change sign-ins, invitations and the connection set-up. Use a wss:// address.`;
}
