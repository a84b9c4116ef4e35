/**
 * bench:rejoin — how long after the link comes back both sides say "Connected" again, after a 10 s cut of
 * the sharer's link mid-session (NetLab namespaces, real host process and panel, as test/session/drop.test.ts).
 * Figures go here, not into tests. Last line JSON: {"bench":"rejoin","cuts":…,"rejoin_ms":[…],"rejoin_p50_ms":…,"rejoin_max_ms":…,
 * "unnoticed":[…],"anomalies":[…]} (anomalies: a side that noticed the loss "connected" again or ended while the link was still cut).
 * REJOIN_CUTS (default 5) and REJOIN_CUT_MS (default 10000) change the run.
 */
import { measureRejoin } from './measure';
import { saveRun } from '../resultsStore';

const CUTS = Number(process.env.REJOIN_CUTS ?? 5);
const CUT_MS = Number(process.env.REJOIN_CUT_MS ?? 10_000);

async function main(): Promise<void> {
  const startedAt = new Date();
  const { rejoinMs, how, unnoticed, anomalies } = await measureRejoin({ cuts: CUTS, cutMs: CUT_MS, log: (line) => console.log(line) });
  const sorted = [...rejoinMs].sort((a, b) => a - b);
  const summary = { bench: 'rejoin', cuts: CUTS, cut_ms: CUT_MS, rejoin_ms: rejoinMs, rejoin_p50_ms: sorted[Math.floor((sorted.length - 1) / 2)], rejoin_max_ms: sorted.at(-1), paths: how, unnoticed, anomalies };
  saveRun('rejoin', startedAt, summary);
  console.log(JSON.stringify(summary));
  process.exit(0);
}

// A late promise of the session stack while the parties are disposed (a message posted to a panel already
// closed) must not end the run and lose its figures.
process.on('unhandledRejection', (err: Error) => console.error(`unhandled: ${err?.message?.split('\n')[0] ?? err}`));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
