/**
 * A load process for the server benchmark: holds many signed-in raw WebSocket clients and follows the
 * orchestrator's commands over IPC. Raw ws + JSON keeps this process light so the server gets the CPU.
 */
import WebSocket from 'ws';

interface Config {
  url: string;
  clients: number;
  worker: number;
  workers: number;
}

type Msg = { type: string; id?: number; [key: string]: unknown };

const config = JSON.parse(process.argv[2]) as Config;
const alias = (i: number) => `u${i}`;

class Sim {
  socket!: WebSocket;
  nextId = 1;
  readonly pending = new Map<number, (m: Msg) => void>();
  accepted = 0;
  readonly accepting = new Set<string>();
  inviteSentAt = 0;

  constructor(readonly index: number) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = new WebSocket(config.url, { perMessageDeflate: false });
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.on('message', (data) => this.onMessage(JSON.parse(data.toString()) as Msg));
    });
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

  onMessage(m: Msg): void {
    if (m.id !== undefined && m.id !== null) {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
      if (m.type === 'error' && !resolve) errors[m.code as string] = (errors[m.code as string] ?? 0) + 1;
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
          rtts.push(performance.now() - this.inviteSentAt);
          // the session stays open, as a real one would for minutes: its busy presence is part of the load
          this.inviteSentAt = 0;
        }
        break;
      }
    }
  }
}

const errors: Record<string, number> = {};
const rtts: number[] = [];
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
    const reply = await sim.request({ type: 'signIn', alias: alias(sim.index), displayName: `User ${sim.index}`, clientId: `bench-client-${sim.index}` });
    if (reply.type !== 'signedIn') throw new Error(`sign-in failed: ${JSON.stringify(reply)}`);
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

/** Sharers (even users, on worker 0) invite their next neighbour at `rate` per second for `seconds`. */
async function invite(rate: number, seconds: number): Promise<{ sent: number }> {
  if (config.worker !== 0) return { sent: 0 };
  const sharers = sims.filter((s) => s.index % 2 === 0);
  let cursor = 0;
  let sent = 0;
  const start = performance.now();
  const total = rate * seconds;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) {
      const sharer = sharers[cursor++ % sharers.length];
      if (sharer.inviteSentAt) continue;
      sharer.inviteSentAt = performance.now();
      sharer.send({ type: 'invite', alias: alias((sharer.index + 1) % config.clients), note: 'bench' });
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const deadline = Date.now() + 10_000;
  while (sharers.some((s) => s.inviteSentAt) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { sent };
}

process.on('message', (command: { op: string; rate?: number; seconds?: number }) => {
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
      invite(command.rate!, command.seconds!).then((r) => done({ ...r, rtts }), fail);
      break;
    case 'exit':
      for (const sim of sims) sim.socket.terminate();
      process.exit(0);
  }
});
process.send!({ op: 'ready' });
