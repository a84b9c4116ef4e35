/**
 * The demo's two accounts: created on the assistance server through the real client library, made
 * contacts of each other, and their device tokens handed to the workbenches.
 */
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Person } from './EmbeddedStack';

/** Creates `sharer` and `helper`, makes them contacts, and returns each one's device token by alias. */
export async function createContactPair(serverUrl: string, sharer: Person, helper: Person): Promise<Map<string, string>> {
  const clients = [new NetworkClient(), new NetworkClient()];
  try {
    const [a, b] = clients;
    await a.connect(serverUrl, { alias: sharer.alias, displayName: sharer.displayName });
    await b.connect(serverUrl, { alias: helper.alias, displayName: helper.displayName });
    await a.addContact(helper.alias);
    await b.acceptContact(sharer.alias);
    if (!a.token || !b.token) throw new Error('the server issued no device token');
    return new Map([
      [sharer.alias, a.token],
      [helper.alias, b.token],
    ]);
  } finally {
    for (const client of clients) client.dispose();
  }
}
