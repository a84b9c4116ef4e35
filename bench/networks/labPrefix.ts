/**
 * The network lab's namespace prefix for a bench: BENCH_NETLAB_PREFIX (two letters) when set, so two
 * checkouts' benches can run at once without sharing names, otherwise the bench's own default.
 */
export function labPrefix(fallback: string): string {
  const prefix = process.env.BENCH_NETLAB_PREFIX;
  if (prefix === undefined || prefix === '') return fallback;
  if (!/^[a-z]{2}$/.test(prefix)) throw new Error(`BENCH_NETLAB_PREFIX must be two lower-case letters: ${prefix}`);
  return prefix;
}
