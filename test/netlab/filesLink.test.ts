/**
 * "Send a File" over a real 100 Mbit/s, 20 ms RTT access link: the sharer's host behind its office's NAT
 * router, whose link the network lab shapes in the router (NetLab.shapeSite: htb, 1000-packet queue,
 * 10 ms each way), and the receiver on the lab's public side. The product's files engine on a real wrtc
 * data channel at both ends, each in its own namespace and process; the received file must hash to the
 * sent one. No timed assertion: the rate is bench:networks' figure (files_link_pct), printed here.
 */
import assert from 'assert';
import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FILES_LINK } from '../../bench/networks/files';
import { makeFile, sha256File } from '../files/support/files';
import { transferOverLab } from '../support/filesLink';
import { NetLab, PUBLIC } from '../support/netlab';

const BYTES = 32 * 1024 * 1024;

describe('files over a shaped 100 Mbit/s, 20 ms link (network lab, real engine and data channel)', function () {
  this.timeout(180_000);
  let lab: NetLab;
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'ri-files-link-'));
    lab = await NetLab.create({ prefix: 'rf' });
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['sharer'] });
    await lab.shapeSite('office', FILES_LINK);
  });

  after(async () => {
    await lab?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a 32 MiB file arrives intact (SHA-256) across the shaped link', async () => {
    const file = join(dir, 'report.bin');
    const hash = await makeFile(file, BYTES);
    const inbox = join(dir, 'inbox');
    await fs.mkdir(inbox);
    // Far beyond any healthy run (about 3 s at the link's rate); only a stall fails.
    const t = await transferOverLab(lab, { from: 'sharer', to: PUBLIC, file, inbox, timeoutMs: 150_000 });
    assert.strictEqual(t.savedPath, join(inbox, 'report.bin'));
    assert.strictEqual(await sha256File(t.savedPath), hash);
    assert.deepStrictEqual(await fs.readdir(inbox), ['report.bin'], 'no partial file left beside it');
    const pct = ((BYTES / t.seconds / ((FILES_LINK.rateKbit! * 1000) / 8)) * 100).toFixed(0);
    process.stdout.write(`      ${(BYTES / t.seconds / 1e6).toFixed(1)} MB/s, ${pct} % of the link, ${t.udpDrops} UDP datagrams dropped at the receiver\n`);
  });
});
