/**
 * bench:rejoin — how long after the link comes back both sides say "Connected" again, after a 10 s cut of
 * the sharer's link mid-session (NetLab namespaces, real host process and panel, as test/session/drop.test.ts).
 * Figures go here, not into tests. Last line JSON: {"bench":"rejoin","cuts":…,"rejoin_ms":[…],"rejoin_p50_ms":…,"rejoin_max_ms":…}.
 * REJOIN_CUTS (default 5) and REJOIN_CUT_MS (default 10000) change the run.
 */
import { NetLab, chromiumIn } from '../../test/support/netlab';
import { until } from '../../test/webview/support/WebviewHarness';
import { TwoParties } from '../../test/session/support/TwoParties';
import { saveRun } from '../resultsStore';

const CUTS = Number(process.env.REJOIN_CUTS ?? 5);
const CUT_MS = Number(process.env.REJOIN_CUT_MS ?? 10_000);

async function main(): Promise<void> {
  const startedAt = new Date();
  const lab = await NetLab.create({ prefix: 'rr' });
  let t: TwoParties | undefined;
  const rejoinMs: number[] = [];
  const how: string[] = [];
  try {
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['alice', 'bob'] });
    t = await TwoParties.connect({ hostNodePath: lab.executable('alice', process.execPath), chromiumPath: chromiumIn(lab, 'bob') });
    const parties = t;
    for (let i = 0; i < CUTS; i++) {
      const hostsBefore = parties.hosts.length;
      await lab.cut('alice');
      const cutAt = Date.now();
      await until(() => parties.sharer.model.phase === 'reconnecting' && parties.helper.model.phase === 'reconnecting', 'both reconnecting', CUT_MS);
      await new Promise((r) => setTimeout(r, Math.max(0, CUT_MS - (Date.now() - cutAt))));
      await lab.restore('alice');
      const back = performance.now();
      await until(() => parties.bothConnected(), 'both connected again', 60_000);
      const ms = Math.round(performance.now() - back);
      rejoinMs.push(ms);
      how.push(parties.hosts.length > hostsBefore ? 'new peer connection' : 'same peer connection (ICE)');
      console.log(`cut ${i + 1}/${CUTS}: ${CUT_MS} ms, connected again ${ms} ms after the link returned (${how.at(-1)})`);
      await parties.chatBothWays(`after cut ${i + 1}`, `ok ${i + 1}`);
    }
  } finally {
    await t?.dispose();
    await lab.dispose();
  }
  const sorted = [...rejoinMs].sort((a, b) => a - b);
  const summary = { bench: 'rejoin', cuts: CUTS, cut_ms: CUT_MS, rejoin_ms: rejoinMs, rejoin_p50_ms: sorted[Math.floor((sorted.length - 1) / 2)], rejoin_max_ms: sorted.at(-1), paths: how };
  saveRun('rejoin', startedAt, summary);
  console.log(JSON.stringify(summary));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
