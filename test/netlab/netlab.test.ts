/**
 * The network lab behaves like the networks it stands for: NAT mappings seen from a public server, firewall
 * rules, netem, cuts, processes and Chromium inside a host's namespace, and nothing left behind.
 */
import assert from 'assert';
import { ChildProcess, fork, spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium } from 'playwright-core';
import { pollUntil } from '../../scripts/stack/poll';
import { chromiumIn, Coturn, NetLab, PUBLIC, PUBLIC_ADDRESS } from '../support/netlab';
import { listNamespaces } from '../support/netlab/LabRegistry';
import { runIn } from '../support/netlab/run';

/** Public servers: UDP on 4000 and 4001 answer with the sender's address:port; TCP on 443 and 8080 with the peer's address. */
const PUBLIC_SERVERS = `
const dgram = require('dgram'), net = require('net'), http = require('http');
for (const port of [4000, 4001]) {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => s.send(r.address + ':' + r.port, r.port, r.address));
  s.bind(port, '${PUBLIC_ADDRESS}');
}
net.createServer((c) => c.end(c.remoteAddress)).listen(443, '${PUBLIC_ADDRESS}');
http.createServer((q, r) => r.end('<title>public</title>' + q.socket.remoteAddress)).listen(8080, '${PUBLIC_ADDRESS}');
`;

/** From one UDP socket, asks both public UDP ports who we are; prints the answers (or "none"). */
const UDP_PROBE = `
const s = require('dgram').createSocket('udp4');
const answers = {};
s.on('message', (m, r) => { answers[r.port] = String(m); });
s.bind(() => {
  for (const port of [4000, 4001]) for (let i = 0; i < 3; i++) s.send('who', port, '${PUBLIC_ADDRESS}');
  setTimeout(() => { console.log(JSON.stringify(answers)); process.exit(0); }, 700);
});
`;

const TCP_PROBE = (port: number) => `
const c = require('net').connect(${port}, '${PUBLIC_ADDRESS}');
let text = '';
c.on('data', (d) => (text += d));
c.on('end', () => { console.log(text); process.exit(0); });
c.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
setTimeout(() => { console.log('timeout'); process.exit(0); }, 1500);
`;

describe('NetLab: namespaces, NAT, firewalls and shaping for tests (root)', function () {
  this.timeout(60_000);
  let lab: NetLab;
  let servers: ChildProcess;

  const node = (host: string, script: string) => lab.exec(host, process.execPath, ['-e', script]).then((r) => r.stdout.trim());
  const udpProbe = async (host: string) => JSON.parse(await node(host, UDP_PROBE)) as Record<string, string>;

  before(async () => {
    lab = await NetLab.create();
    await lab.addSite('home', { nat: 'endpointIndependent', hosts: ['alice'] });
    await lab.addSite('hotel', { nat: 'symmetric', hosts: ['bob'] });
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['carol', 'dave'] });
    servers = lab.spawn(PUBLIC, process.execPath, ['-e', PUBLIC_SERVERS], { stdio: 'ignore' });
    await pollUntil('the public servers', async () => (await lab.exec(PUBLIC, 'ss', ['-Hltn'])).stdout.includes(`${PUBLIC_ADDRESS}:8080`), { timeoutMs: 10_000, intervalMs: 50 });
  });

  after(async () => {
    await lab?.dispose();
  });

  it('endpoint-independent NAT: one public mapping for a socket, whatever the destination', async () => {
    const answers = await udpProbe('alice');
    const home = lab.site('home').publicAddress;
    assert.match(answers[4000], new RegExp(`^${home.replace(/\./g, '\\.')}:\\d+$`));
    assert.strictEqual(answers[4001], answers[4000]);
  });

  it('symmetric NAT: a new public port per destination', async () => {
    const answers = await udpProbe('bob');
    const hotel = lab.site('hotel').publicAddress;
    assert.ok(answers[4000].startsWith(`${hotel}:`) && answers[4001].startsWith(`${hotel}:`), JSON.stringify(answers));
    assert.notStrictEqual(answers[4001], answers[4000]);
  });

  it('two hosts on one LAN reach each other by private address; other sites\' private addresses are unreachable', async () => {
    const ping = (from: string, to: string) =>
      lab.exec(from, 'ping', ['-c', '1', '-W', '1', to]).then(
        () => true,
        () => false,
      );
    assert.strictEqual(await ping('carol', lab.host('dave').address), true);
    assert.strictEqual(await ping('alice', lab.host('dave').address), false);
    assert.strictEqual(await ping('alice', PUBLIC_ADDRESS), true);
    // A router answers nothing it was not asked for.
    assert.strictEqual(await ping('alice', lab.site('office').publicAddress), false);
  });

  it('blockUdp: UDP out of the site is dropped, TCP still goes; openFirewall undoes it', async () => {
    await lab.blockUdp('alice');
    assert.deepStrictEqual(await udpProbe('alice'), {});
    assert.strictEqual(await node('alice', TCP_PROBE(443)), lab.site('home').publicAddress);
    await lab.openFirewall('alice');
    assert.ok((await udpProbe('alice'))[4000]);
  });

  it('allowOnlyTcp443: TCP 443 goes, other TCP ports and UDP do not', async () => {
    await lab.allowOnlyTcp443('carol');
    try {
      assert.strictEqual(await node('carol', TCP_PROBE(443)), lab.site('office').publicAddress);
      assert.strictEqual(await node('carol', TCP_PROBE(8080)), 'timeout');
      assert.deepStrictEqual(await udpProbe('carol'), {});
      // Its LAN neighbour is not behind that rule.
      assert.ok((await udpProbe('dave'))[4000]);
    } finally {
      await lab.openFirewall('carol');
    }
  });

  it('cut drops everything to and from a host until restore', async () => {
    await lab.cut('dave');
    assert.deepStrictEqual(await udpProbe('dave'), {});
    await lab.restore('dave');
    assert.ok((await udpProbe('dave'))[4000]);
  });

  it('shape: rate (htb) on both directions of the host\'s link, loss, and a delay each way; unshape removes it', async () => {
    await lab.shape('bob', { rateKbit: 2000, delayMs: 40, lossPct: 0.5 });
    assert.match((await lab.exec('bob', 'tc', ['class', 'show', 'dev', 'eth0'])).stdout, /htb 1:1 .*rate 2Mbit/);
    assert.match((await runIn(lab.site('hotel').router, 'tc', ['class', 'show', 'dev', 'h-bob'])).stdout, /htb 1:1 .*rate 2Mbit/);
    const rules = (await lab.exec('bob', 'iptables', ['-S'])).stdout;
    assert.match(rules, /-A shape-in -m statistic --mode random --probability 0\.00499999989 -j DROP/);
    assert.match(rules, /-A shape-out -j NFQUEUE --queue-num 0/);
    // -U: time as the program sees it (the kernel stamps a reply before the inbound delay).
    const ping = (await lab.exec('bob', 'ping', ['-U', '-c', '5', '-i', '0.2', PUBLIC_ADDRESS])).stdout;
    const min = Number(/= ([\d.]+)\//.exec(ping)![1]);
    assert.ok(min >= 80, `the round trip includes both delays (min ${min} ms)`);
    await lab.unshape('bob');
    assert.doesNotMatch((await lab.exec('bob', 'tc', ['class', 'show', 'dev', 'eth0'])).stdout, /htb/);
    assert.doesNotMatch((await lab.exec('bob', 'iptables', ['-S'])).stdout, /shape/);
    const after = (await lab.exec('bob', 'ping', ['-c', '1', PUBLIC_ADDRESS])).stdout;
    assert.ok(Number(/= ([\d.]+)\//.exec(after)![1]) < 80, after);
  });

  it("shapeSite: the site's access link shaped in its router (htb with a 1000-packet queue each way, loss and delay on forwarded packets); unshapeSite removes it", async () => {
    const router = lab.site('home').router;
    await lab.shapeSite('home', { rateKbit: 100_000, delayMs: 10, lossPct: 0.5 });
    for (const dev of ['wan', 'lan']) {
      assert.match((await runIn(router, 'tc', ['class', 'show', 'dev', dev])).stdout, /htb 1:1 .*rate 100Mbit ceil 100Mbit burst 12500b/);
      assert.match((await runIn(router, 'tc', ['qdisc', 'show', 'dev', dev])).stdout, /pfifo 10: parent 1:1 limit 1000p/);
    }
    const rules = (await runIn(router, 'iptables', ['-S'])).stdout;
    assert.match(rules, /-A FORWARD -j shape-site/);
    assert.match(rules, /-A shape-site -m statistic --mode random --probability 0\.00499999989 -j DROP/);
    assert.match(rules, /-A shape-site -j NFQUEUE --queue-num 0/);
    const ping = (await lab.exec('alice', 'ping', ['-U', '-c', '5', '-i', '0.2', PUBLIC_ADDRESS])).stdout;
    assert.ok(Number(/= ([\d.]+)\//.exec(ping)![1]) >= 20, `the round trip includes both delays: ${ping}`);
    await lab.unshapeSite('home');
    assert.doesNotMatch((await runIn(router, 'iptables', ['-S'])).stdout, /shape/);
    assert.doesNotMatch((await runIn(router, 'tc', ['qdisc', 'show', 'dev', 'wan'])).stdout, /htb/);
  });

  it('forwardTcp: a port forward on the router lets the public side reach a server behind the NAT', async () => {
    const server = lab.spawn('carol', process.execPath, ['-e', `require('net').createServer((c) => c.end(c.remoteAddress)).listen(8081, '${lab.host('carol').address}', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => server.stdout!.once('data', resolve));
      const address = await lab.forwardTcp('carol', 8081);
      assert.strictEqual(address, lab.site('office').publicAddress);
      const probe = `const c = require('net').connect(8081, '${address}'); let t = ''; c.on('data', (d) => (t += d)); c.on('end', () => console.log(t)); c.on('error', (e) => console.log('error ' + e.code));`;
      // The server saw the public side's own address: the connection came in through the router's wan.
      assert.strictEqual(await node(PUBLIC, probe), PUBLIC_ADDRESS);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('executable(): a forked Node keeps its IPC channel inside the namespace (how HostSupervisor runs the host there)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ri-fork-'));
    try {
      const script = join(dir, 'child.js');
      writeFileSync(script, `const os = require('os'); process.send(Object.values(os.networkInterfaces()).flat().map((i) => i.address)); process.disconnect();`);
      const child = fork(script, [], { execPath: lab.executable('alice', process.execPath), execArgv: [] });
      const addresses = await new Promise<string[]>((resolve, reject) => {
        child.once('message', (m) => resolve(m as string[]));
        child.once('error', reject);
      });
      assert.ok(addresses.includes(lab.host('alice').address), addresses.join(' '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chromiumIn(): playwright-core drives a Chromium inside the namespace (pipe transport)', async () => {
    const browser = await chromium.launch({ executablePath: chromiumIn(lab, 'alice'), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://${PUBLIC_ADDRESS}:8080/`);
      // The public server saw the site's NAT address: the browser's traffic left through the router.
      assert.strictEqual(await page.locator('body').textContent(), lab.site('home').publicAddress);
    } finally {
      await browser.close();
    }
  });

  it('coturn starts in the public namespace and answers STUN on 3478 and TLS on 443', async () => {
    // The probe servers hold port 443; an operator's coturn has it to itself.
    const serversGone = new Promise((resolve) => servers.once('exit', resolve));
    servers.kill('SIGKILL');
    await serversGone;
    const coturn = await Coturn.start(lab, { secret: 'lab-secret' });
    try {
      assert.deepStrictEqual(coturn.urls, {
        stun: `stun:${PUBLIC_ADDRESS}:3478`,
        turnUdp: `turn:${PUBLIC_ADDRESS}:3478`,
        turnTcp: `turn:${PUBLIC_ADDRESS}:3478?transport=tcp`,
        turns: `turns:${PUBLIC_ADDRESS}:443?transport=tcp`,
      });
      const tls = await node('alice', `const s = require('tls').connect({ host: '${PUBLIC_ADDRESS}', port: 443, rejectUnauthorized: false }, () => { console.log(s.getProtocol() + ' ' + s.getPeerCertificate().subject.CN); s.destroy(); });`);
      assert.match(tls, new RegExp(`^TLSv1\\.[23] ${PUBLIC_ADDRESS.replace(/\./g, '\\.')}$`));
    } finally {
      await coturn.stop();
    }
  });

  it('dispose removes every namespace of the lab; a killed run\'s lab is removed by the next one', async () => {
    // A run killed half-way: a child process builds a lab and is SIGKILLed.
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', `require(${JSON.stringify(join(__dirname, '../support/netlab'))}).NetLab.create().then(async (l) => { await l.addSite('s', { nat: 'symmetric', hosts: ['h'] }); console.log(l.id); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const staleId = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok((await listNamespaces()).some((ns) => ns.startsWith(`${staleId}-`)), 'the killed run left its namespaces');

    const sleeper = lab.spawn('alice', 'sleep', ['600'], { stdio: 'ignore' });
    const next = await NetLab.create();
    const after = await listNamespaces();
    assert.ok(!after.some((ns) => ns.startsWith(`${staleId}-`)), 'the stale lab is gone');
    assert.ok(after.some((ns) => ns.startsWith(`${lab.id}-`)), 'a live lab of the same prefix is kept');
    await next.dispose();
    const id = lab.id;
    await lab.dispose();
    assert.strictEqual(sleeper.signalCode, 'SIGKILL', 'processes started in the lab are gone');
    assert.deepStrictEqual((await listNamespaces()).filter((ns) => ns.startsWith(`${id}-`) || ns.startsWith(`${next.id}-`)), []);
  });
});
