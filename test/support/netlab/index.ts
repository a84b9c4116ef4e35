/** The network lab for tests and benchmarks: namespaces, NAT, firewalls, netem, coturn. See NetLab.ts. */
export { NetLab, PUBLIC, PUBLIC_ADDRESS } from './NetLab';
export type { LabHost, LabSite, NatKind, Shape, SiteOptions, NetLabOptions } from './NetLab';
export { Coturn } from './Coturn';
export type { CoturnOptions } from './Coturn';
export { NetLabError } from './run';

/** Chromium's path for playwright-core's `executablePath` when the browser must run inside `host`'s namespace. */
export function chromiumIn(lab: import('./NetLab').NetLab, host: string): string {
  return lab.executable(host, '/usr/bin/chromium');
}
