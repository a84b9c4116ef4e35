/** Alice and Bob signed in to a running server as each other's contacts, the start of every session test. */
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Logger } from '../../src/common/logger';

export async function aliceAndBob(serverUrl: string, logger: Logger): Promise<{ alice: NetworkClient; bob: NetworkClient }> {
  const alice = new NetworkClient({ logger });
  const bob = new NetworkClient({ logger });
  await alice.connect(serverUrl, { alias: 'alice', displayName: 'Alice' });
  await bob.connect(serverUrl, { alias: 'bob', displayName: 'Bob' });
  await alice.addContact('bob');
  await bob.acceptContact('alice');
  return { alice, bob };
}
