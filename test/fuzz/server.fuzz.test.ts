/**
 * Fuzz: the assistance server's protocol. The real server (the built bundle, its own process, default
 * limits) on loopback; raw WebSockets send random and mutated requests, one at a time per connection, on
 * several connections at once, signed in and not. Every message must be answered — a coded `error` when it
 * is invalid — or the connection closed with a close code; the server must stay up, keep serving a real
 * client, and its memory must stay flat.
 */
import assert from 'assert';
import fc from 'fast-check';
import WebSocket from 'ws';
import { NetworkClient } from '../../src/network/NetworkClient';
import { ClientMessage, NetworkErrorCode } from '../../src/protocol/network';
import { parseMessage } from '../../src/protocol/validate';
import { Fixture, spawnServer, type ServerProcess } from '../server/support';
import { isAlive, rssMiB } from '../support/processStats';
import { mutatedBytes, mutatedTexts, replay, sample } from './support/mutants';

const MESSAGES = Number(process.env.FUZZ_SERVER_MESSAGES ?? 1200);
const CONNECTIONS = 6;
/** Growth of the server's resident memory allowed between the warmed-up point and the end. */
const MAX_RSS_GROWTH_MIB = 40;
const EVENTS = new Set(['contacts', 'presence', 'invitationReceived', 'invitationChanged', 'sessionStarted', 'signalReceived', 'sessionEnded']);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const id8 = 'abcdefgh12345678';
const VALID: object[] = [
  { type: 'signIn', id: 1, alias: 'fuzzer', displayName: 'Fuzzer', clientId: `client-${id8}` },
  { type: 'signInWithToken', id: 2, token: 'a'.repeat(43), clientId: `client-${id8}` },
  ...['addContact', 'acceptContact', 'declineContact', 'removeContact', 'blockContact'].map((type, i) => ({ type, id: 3 + i, alias: 'fuzzpeer' })),
  { type: 'setPresence', id: 8, status: 'away' },
  { type: 'invite', id: 9, alias: 'fuzzpeer', note: 'my build fails', expiresInMs: 60_000 },
  ...['acceptInvitation', 'declineInvitation', 'cancelInvitation'].map((type, i) => ({ type, id: 10 + i, invitationId: `inv-${id8}` })),
  { type: 'listInvitations', id: 13 },
  { type: 'createLink', id: 14, expiresInMs: 60_000 },
  { type: 'redeemLink', id: 15, linkId: `link-${id8}`, secret: 'secret-secret' },
  { type: 'signal', id: 16, sessionId: `sess-${id8}`, payload: '{"type":"offer","sdp":"v=0"}' },
  { type: 'endSession', id: 17, sessionId: `sess-${id8}` },
  // devices of one account
  { type: 'createDeviceCode', id: 18 },
  { type: 'signInWithCode', id: 19, code: 'K7QD-3MXP', deviceName: 'Fuzz laptop', clientId: `client-${id8}` },
  { type: 'listDevices', id: 20 },
  { type: 'signOutDevice', id: 21, deviceId: `dev-${id8}` },
  { type: 'signOutEverywhere', id: 22 },
];

type Answer = { kind: 'message'; message: { type: string; id?: unknown; code?: string } } | { kind: 'closed'; code: number };

/** One raw WebSocket that sends a message and waits for its answer (events are skipped). */
class RawConnection {
  private readonly socket: WebSocket;
  private waiting: ((answer: Answer) => void) | undefined;
  closeCode: number | undefined;

  private constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data, binary) => {
      const message = JSON.parse(binary ? '' : String(data)) as { type: string; id?: unknown };
      if (EVENTS.has(message.type) && !('id' in message)) return;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.({ kind: 'message', message });
    });
    this.socket.on('close', (code) => {
      this.closeCode = code;
      this.waiting?.({ kind: 'closed', code });
      this.waiting = undefined;
    });
    this.socket.on('error', () => undefined);
  }

  static async open(url: string): Promise<RawConnection> {
    const c = new RawConnection(url);
    await new Promise<void>((resolve, reject) => {
      c.socket.once('open', () => resolve());
      c.socket.once('error', reject);
    });
    return c;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  exchange(data: string | Uint8Array): Promise<Answer> {
    if (!this.open) return Promise.resolve({ kind: 'closed', code: this.closeCode ?? 1006 });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within 10 s to ${String(typeof data === 'string' ? data : `${data.byteLength} bytes`).slice(0, 200)}`)), 10_000);
      this.waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.socket.send(data);
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

/** The server's request budget per connection (20/s, bursts of 60): stay just under it. */
class Pace {
  private tokens = 55;
  private last = performance.now();
  async take(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(55, this.tokens + ((now - this.last) / 1000) * 18);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function isValid(text: string | Uint8Array): { valid: boolean; type?: string } {
  if (typeof text !== 'string') return { valid: false };
  try {
    const message = parseMessage(ClientMessage, JSON.parse(text));
    return { valid: true, type: message.type };
  } catch {
    return { valid: false };
  }
}

describe('fuzz: assistance server protocol (real server process, raw WebSockets)', function () {
  this.timeout(60_000);
  const fixture = new Fixture();
  let server: ServerProcess;
  let peer: NetworkClient;

  before(async () => {
    server = await spawnServer(fixture, ['--port', '0', '--data', fixture.tempDir()]);
    // The account the valid messages name, so they reach deep into contacts and invitations.
    peer = new NetworkClient({ logger: quiet });
    await peer.connect(server.url, { alias: 'fuzzpeer', displayName: 'Fuzz Peer' });
  });

  after(async () => {
    peer?.dispose();
    await fixture.dispose();
  });

  it(`answers ${MESSAGES} random and mutated requests with coded errors, stays up, memory flat`, async () => {
    const texts = sample(mutatedTexts(VALID), MESSAGES, 1);
    const bytes = sample(mutatedBytes(VALID.map((v) => Buffer.from(JSON.stringify(v)))), Math.ceil(MESSAGES / 20), 2);
    const all = sample(fc.shuffledSubarray([...texts, ...bytes], { minLength: texts.length + bytes.length }), 1, 3)[0]
      // A valid signOut (or signOutEverywhere) revokes the device token: the fuzzer would then lose its account, not find a bug.
      .filter((m) => isValid(m).type !== 'signOut' && isValid(m).type !== 'signOutEverywhere');
    const pid = server.child.pid as number;
    let warmRss = 0;
    let sent = 0;
    const tally = { invalid: 0, codedErrors: 0, closes: 0, replies: 0, codes: new Map<string, number>() };
    const failures: string[] = [];

    const run = async (index: number, signedIn: boolean) => {
      let connection: RawConnection | undefined;
      let pace = new Pace();
      let accounts = 0;
      const connect = async () => {
        connection = await RawConnection.open(server.url);
        pace = new Pace();
        if (!signedIn) return;
        const alias = `fz${index}x${accounts++}`;
        const answer = await connection.exchange(JSON.stringify({ type: 'signIn', id: 1, alias, displayName: alias, clientId: `fuzz-client-${alias}` }));
        if (answer.kind !== 'message' || answer.message.type !== 'signedIn') throw new Error(`sign-in failed: ${JSON.stringify(answer)}`);
      };
      for (let i = index; i < all.length; i += CONNECTIONS + 1) {
        if (!connection?.open) await connect();
        await pace.take();
        const message = all[i];
        const { valid } = isValid(message);
        const answer = await (connection as RawConnection).exchange(message);
        if (++sent === Math.floor(all.length / 4)) warmRss = rssMiB(pid) ?? 0;
        if (answer.kind === 'closed') {
          tally.closes++;
          // Closing is an answer only with a code that says why (policy, too big, try later).
          if (![1008, 1009, 1013].includes(answer.code)) failures.push(`closed with ${answer.code} after ${String(message).slice(0, 120)}`);
          continue;
        }
        const reply = answer.message;
        if (reply.type === 'error') {
          tally.codedErrors++;
          tally.codes.set(String(reply.code), (tally.codes.get(String(reply.code)) ?? 0) + 1);
          if (!NetworkErrorCode.safeParse(reply.code).success) failures.push(`uncoded error ${JSON.stringify(reply)}`);
        } else tally.replies++;
        if (!valid) {
          tally.invalid++;
          if (reply.type !== 'error') failures.push(`invalid request answered with ${reply.type}: ${String(message).slice(0, 160)}`);
        }
      }
      connection?.close();
    };
    await Promise.all(Array.from({ length: CONNECTIONS + 1 }, (_, i) => run(i, i !== CONNECTIONS)));

    assert.deepStrictEqual(failures.slice(0, 10), [], `${failures.length} bad answers${replay()}`);
    assert.ok(tally.invalid > MESSAGES / 2, `only ${tally.invalid} invalid requests were sent`);
    assert.ok(tally.codes.get('ERR_MALFORMED') && tally.codes.get('ERR_UNKNOWN_TYPE') && tally.codes.get('ERR_NOT_JSON'), JSON.stringify([...tally.codes]));
    // Alive, and still serving an honest client end to end.
    assert.ok(isAlive(pid), `the server process died${replay()}`);
    const honest = new NetworkClient({ logger: quiet });
    try {
      await honest.connect(server.url, { alias: 'honest', displayName: 'Honest' });
      await honest.addContact('fuzzpeer');
      assert.ok(honest.contacts.some((c) => c.alias === 'fuzzpeer' && c.status === 'outgoing'));
    } finally {
      honest.dispose();
    }
    const growth = (rssMiB(pid) ?? Infinity) - warmRss;
    assert.ok(growth < MAX_RSS_GROWTH_MIB, `server RSS grew ${growth.toFixed(1)} MiB${replay()}`);
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify({ seam: 'server', sent, ...tally, codes: Object.fromEntries(tally.codes), rssGrowthMiB: growth }));
  });
});
