/**
 * A load process for the server benchmarks (bench:server, bench:cluster): holds many signed-in raw WebSocket
 * clients and follows the orchestrator's commands over IPC. Raw ws + JSON keeps this process light so the
 * server gets the CPU.
 */
import WebSocket from 'ws';

interface Config {
  /** Where clients connect: client i uses urls[i % urls.length] (several balancers, as DNS round-robin spreads them). */
  urls: string[];
  /** PEM certificate to trust for wss:// (the server's self-signed LAN certificate). */
  ca?: string;
  clients: number;
  worker: number;
  workers: number;
}

type Msg = { type: string; id?: number; [key: string]: unknown };

/** How an invitation round goes: whom a sharer invites (offsets in the ring of contacts) and whether it ends each session at once. */
interface InviteOptions {
  rate: number;
  seconds: number;
  /** Each sharer invites these neighbours in turn (all four are mutual contacts); default [1]. */
  targets?: number[];
  /** End each session once the sharer has seen it start, so a sharer can invite again in a later round. */
  endSessions?: boolean;
  /** The round trip includes the signaling relay: once the session starts the sharer sends a signal, the helper answers with one, and the round trip ends when the answer arrives. */
  relay?: boolean;
  /** Invite only contacts signed in on another server process (needs a `place` command first). */
  crossOnly?: boolean;
}

const config = JSON.parse(process.argv[2]) as Config;
const alias = (i: number) => `u${i}`;

class Sim {
  socket!: WebSocket;
  nextId = 1;
  readonly pending = new Map<number, (m: Msg) => void>();
  accepted = 0;
  readonly accepting = new Set<string>();
  inviteSentAt = 0;
  /** Request id of the invitation in flight: an error reply to it frees the sharer. */
  inviteId = 0;
  invites = 0;
  endSessions = false;
  relay = false;
  token = '';
  /** When the connection dropped during a reconnect storm (0: connected). */
  lostAt = 0;

  constructor(readonly index: number) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = new WebSocket(config.urls[this.index % config.urls.length], { perMessageDeflate: false, ca: config.ca });
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.on('message', (data) => this.onMessage(JSON.parse(data.toString()) as Msg));
      this.socket.on('close', () => storm.armed && !this.lostAt && void this.reconnect());
    });
  }

  /**
   * Reconnects (through the same address: the balancer picks a live process) and signs in with its token, paced as the
   * extension's NetworkClient is: first attempt after 250-500 ms (half to all of a 500 ms backoff, jittered), the
   * backoff doubling after each failure up to 30 s, a request unanswered within 15 s failing.
   */
  async reconnect(): Promise<void> {
    this.lostAt = performance.now();
    for (let backoffMs = 500; ; backoffMs = Math.min(backoffMs * 2, 30_000)) {
      await new Promise((r) => setTimeout(r, backoffMs * (0.5 + Math.random() / 2)));
      try {
        await this.open();
        const signIn = this.request({ type: 'signInWithToken', token: this.token, clientId: `bench-client-${this.index}` });
        // a socket that closes before the reply never answers
        const reply = await Promise.race([signIn, new Promise<Msg>((resolve) => setTimeout(() => resolve({ type: 'error', code: 'TIMEOUT' }), 15_000))]);
        if (reply.type === 'signedIn') break;
        errors[reply.code as string] = (errors[reply.code as string] ?? 0) + 1;
      } catch {
        // refused while the balancer still sent to the dead process: try again
      }
      this.socket.removeAllListeners('close');
      this.socket.terminate();
    }
    storm.times.push(performance.now() - this.lostAt);
    // wall-clock time (shared by every process on this machine): the orchestrator measures from the moment it killed a process
    storm.signedInAt.push(Date.now());
    this.lostAt = 0;
  }

  request(message: Msg): Promise<Msg> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  send(message: Msg): void {
    this.socket.send(JSON.stringify({ ...message, id: this.nextId++ }));
  }

  roundTripDone(sessionId: string): void {
    lastRoundTripAt = performance.now();
    rtts.push(lastRoundTripAt - this.inviteSentAt);
    // the session stays open, as a real one would for minutes: its busy presence is part of the load
    // (unless the round asked to end it, so this sharer can invite again in the next one)
    this.inviteSentAt = 0;
    if (this.endSessions) this.send({ type: 'endSession', sessionId });
  }

  onMessage(m: Msg): void {
    if (m.id !== undefined && m.id !== null) {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
      if (m.type === 'error' && !resolve) errors[m.code as string] = (errors[m.code as string] ?? 0) + 1;
      if (m.type === 'error' && m.id === this.inviteId) this.inviteSentAt = 0;
      return;
    }
    switch (m.type) {
      case 'contacts': {
        const list = m.contacts as { alias: string; status: string }[];
        for (const c of list) {
          if (c.status === 'incoming' && !this.accepting.has(c.alias)) {
            this.accepting.add(c.alias);
            this.send({ type: 'acceptContact', alias: c.alias });
          }
        }
        this.accepted = list.filter((c) => c.status === 'accepted').length;
        break;
      }
      case 'invitationReceived':
        // the helper accepts at once
        this.send({ type: 'acceptInvitation', invitationId: (m.invitation as { id: string }).id });
        break;
      case 'sessionStarted': {
        const session = m.session as { id: string; role: string };
        if (session.role === 'sharer' && this.inviteSentAt) {
          if (this.relay) this.send({ type: 'signal', sessionId: session.id, payload: 'offer' });
          else this.roundTripDone(session.id);
        }
        break;
      }
      case 'signalReceived':
        // the helper answers the sharer's signal; the answer ends the sharer's round trip
        if (m.payload === 'offer') this.send({ type: 'signal', sessionId: m.sessionId, payload: 'answer' });
        else if (m.payload === 'answer' && this.inviteSentAt) this.roundTripDone(m.sessionId as string);
        break;
    }
  }
}

const errors: Record<string, number> = {};
const rtts: number[] = [];
/** When the last round trip completed (performance.now()). */
let lastRoundTripAt = 0;
/** Reconnect storm: armed, every client that loses its connection reconnects and records how long it took (and when it was signed in again, wall clock). */
const storm = { armed: false, times: [] as number[], signedInAt: [] as number[] };
/** The server process (index) each client is signed in on, from the `place` command: for invitations across processes. */
let placement: number[] = [];
const sims: Sim[] = [];
for (let i = config.worker; i < config.clients; i += config.workers) sims.push(new Sim(i));

/** Runs `fn` over items with at most `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function connect(): Promise<void> {
  await pool(sims, 64, async (sim) => {
    await sim.open();
    let reply = await sim.request({ type: 'signIn', alias: alias(sim.index), displayName: `User ${sim.index}`, clientId: `bench-client-${sim.index}` });
    // a store swamped for a moment (the server says so): tried again after a pause, as a person would, and counted
    for (let attempt = 1; reply.type === 'error' && reply.code === 'ERR_STORE_UNAVAILABLE' && attempt < 10; attempt++) {
      errors.ERR_STORE_UNAVAILABLE = (errors.ERR_STORE_UNAVAILABLE ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 1_000));
      reply = await sim.request({ type: 'signIn', alias: alias(sim.index), displayName: `User ${sim.index}`, clientId: `bench-client-${sim.index}` });
    }
    if (reply.type !== 'signedIn') throw new Error(`sign-in failed: ${JSON.stringify(reply)}`);
    sim.token = reply.token as string;
  });
}

/** Each user adds the next two users of the ring, so everyone ends with four mutual contacts. */
async function contacts(): Promise<void> {
  await pool(sims, 64, async (sim) => {
    for (const step of [1, 2]) {
      const reply = await sim.request({ type: 'addContact', alias: alias((sim.index + step) % config.clients) });
      if (reply.type !== 'ok') errors[reply.code as string] = (errors[reply.code as string] ?? 0) + 1;
    }
  });
  const deadline = Date.now() + 120_000;
  while (sims.some((s) => s.accepted < 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Sharers (even users) invite a neighbour at `rate` per second in all for `seconds`, shared by the load processes that hold sharers. */
async function invite({ rate: totalRate, seconds, targets = [1], endSessions = false, relay = false, crossOnly = false }: InviteOptions): Promise<{ sent: number; spanMs?: number }> {
  rtts.length = 0;
  const sharers = sims.filter((s) => s.index % 2 === 0);
  if (sharers.length === 0) return { sent: 0 };
  // with an even number of load processes only the even-numbered ones hold even users
  const rate = totalRate / (config.workers % 2 === 0 ? config.workers / 2 : config.workers);
  const targetOf = (sharer: Sim, offset: number) => (sharer.index + offset + config.clients) % config.clients;
  // across processes: each sharer's targets are only those neighbours signed in elsewhere (none: it sits out)
  const targetsOf = new Map(sharers.map((s) => [s, crossOnly ? targets.filter((o) => placement[targetOf(s, o)] !== placement[s.index]) : targets]));
  let cursor = 0;
  let sent = 0;
  const start = performance.now();
  const total = rate * seconds;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    // a whole turn of sharers all waiting: wait for replies rather than spin
    for (let skipped = 0; sent < due && skipped < sharers.length; ) {
      const sharer = sharers[cursor++ % sharers.length];
      const mine = targetsOf.get(sharer)!;
      if (sharer.inviteSentAt || mine.length === 0) {
        skipped++;
        continue;
      }
      const offset = mine[sharer.invites++ % mine.length];
      sharer.endSessions = endSessions;
      sharer.relay = relay;
      sharer.inviteSentAt = performance.now();
      sharer.inviteId = sharer.nextId;
      sharer.send({ type: 'invite', alias: alias(targetOf(sharer, offset)), note: 'bench' });
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const deadline = Date.now() + 10_000;
  while (sharers.some((s) => s.inviteSentAt) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // from the first invitation to the last round trip completed (one never answered does not stretch it)
  return { sent, spanMs: Math.max(0, lastRoundTripAt - start) };
}

/** Every client drops its connection at once and signs in again with its device token (the storm, armed, does the rest). */
function dropAll(): void {
  storm.armed = true;
  for (const sim of sims) sim.socket.terminate();
}

process.on('message', (command: { op: string; placement?: number[] } & Partial<InviteOptions>) => {
  const started = performance.now();
  const done = (extra: object) => process.send!({ op: command.op, ms: performance.now() - started, errors, ...extra });
  const fail = (err: unknown) => process.send!({ op: command.op, error: String(err) });
  switch (command.op) {
    case 'connect':
      connect().then(() => done({ clients: sims.length }), fail);
      break;
    case 'contacts':
      contacts().then(() => done({ complete: sims.filter((s) => s.accepted >= 4).length }), fail);
      break;
    case 'invite':
      invite(command as InviteOptions).then((r) => done({ ...r, rtts }), fail);
      break;
    case 'place':
      placement = command.placement!;
      done({});
      break;
    case 'storm':
      storm.armed = true;
      done({});
      break;
    case 'drop':
      dropAll();
      done({});
      break;
    case 'stormResult': {
      // every client that lost its connection is back, or a minute has passed
      const deadline = Date.now() + 60_000;
      const wait = () => (sims.some((s) => s.lostAt) && Date.now() < deadline ? setTimeout(wait, 50) : done({ times: storm.times, signedInAt: storm.signedInAt, stillAway: sims.filter((s) => s.lostAt).length }));
      wait();
      break;
    }
    case 'exit':
      storm.armed = false;
      for (const sim of sims) sim.socket.terminate();
      process.exit(0);
  }
});
process.send!({ op: 'ready' });
