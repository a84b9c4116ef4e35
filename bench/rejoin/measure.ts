/**
 * Rejoin after a cut, measured (bench:rejoin, and bench:networks' rejoin_ms): a real session between the
 * sharer's host process and the helper's panel in two lab namespaces; the sharer's link is cut (iptables
 * DROP) for `cutMs`, and the figure is the time from the link returning to both sides "Connected" again.
 */
import { NetLab, chromiumIn } from '../../test/support/netlab';
import { until } from '../../test/webview/support/WebviewHarness';
import { TwoParties } from '../../test/session/support/TwoParties';
import { labPrefix } from '../networks/labPrefix';

export interface RejoinFigures {
  readonly rejoinMs: number[];
  /** Per cut: whether ICE kept the peer connection or a new one was built. */
  readonly how: string[];
  /** Cuts that one side had not yet noticed when the link came back (their phases then); not in rejoinMs. */
  readonly unnoticed: string[];
  /** Anything seen that should not happen: a side "connected" while the link was still cut, a session that ended. */
  readonly anomalies: string[];
}


export async function measureRejoin(options: { cuts: number; cutMs: number; log: (line: string) => void }): Promise<RejoinFigures> {
  const { cuts, cutMs, log } = options;
  const lab = await NetLab.create({ prefix: labPrefix('rr') });
  let t: TwoParties | undefined;
  const rejoinMs: number[] = [];
  const how: string[] = [];
  const unnoticed: string[] = [];
  const anomalies: string[] = [];
  try {
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['alice', 'bob'] });
    t = await TwoParties.connect({ hostNodePath: lab.executable('alice', process.execPath), chromiumPath: chromiumIn(lab, 'bob') });
    const parties = t;
    for (let i = 0; i < cuts; i++) {
      const hostsBefore = parties.hosts.length;
      await lab.cut('alice');
      const cutAt = Date.now();
      // Each side's phase, sampled through the cut: with no packet crossing, a side that noticed the loss may
      // not say "connected" again (nor end) before the link returns.
      const lost = { sharer: false, helper: false };
      let bothAtOnce = false;
      while (Date.now() - cutAt < cutMs) {
        for (const side of ['sharer', 'helper'] as const) {
          const phase = parties[side].model.phase;
          if (phase === 'reconnecting') lost[side] = true;
          else if (lost[side] && !anomalies.some((a) => a.startsWith(`cut ${i + 1}: ${side}`))) {
            anomalies.push(`cut ${i + 1}: ${side} ${phase} again ${Date.now() - cutAt} ms into the cut (other side ${parties[side === 'sharer' ? 'helper' : 'sharer'].model.phase})`);
            log(`cut ${i + 1}/${cuts}: ANOMALY ${anomalies.at(-1)}`);
          }
        }
        bothAtOnce ||= parties.sharer.model.phase === 'reconnecting' && parties.helper.model.phase === 'reconnecting';
        await new Promise((r) => setTimeout(r, 50));
      }
      const noticed = bothAtOnce;
      const phases = `sharer ${parties.sharer.model.phase}, helper ${parties.helper.model.phase}`;
      await lab.restore('alice');
      if (!noticed) {
        unnoticed.push(phases);
        log(`cut ${i + 1}/${cuts}: not both reconnecting within the ${cutMs} ms cut (${phases})`);
        await until(() => parties.bothConnected(), 'both connected again', 60_000);
        continue;
      }
      const back = performance.now();
      await until(() => parties.bothConnected(), 'both connected again', 60_000);
      const ms = Math.round(performance.now() - back);
      rejoinMs.push(ms);
      how.push(parties.hosts.length > hostsBefore ? 'new peer connection' : 'same peer connection (ICE)');
      log(`cut ${i + 1}/${cuts}: ${cutMs} ms, connected again ${ms} ms after the link returned (${how.at(-1)})`);
      await parties.chatBothWays(`after cut ${i + 1}`, `ok ${i + 1}`);
    }
  } finally {
    await t?.dispose();
    await lab.dispose();
  }
  return { rejoinMs, how, unnoticed, anomalies };
}
