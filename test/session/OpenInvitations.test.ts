import assert from 'assert';
import type { Invitation } from '../../src/protocol/network';
import { openInvitations } from '../../src/session/OpenInvitations';

const alice = { alias: 'alice', displayName: 'Alice' };
const bob = { alias: 'Bob', displayName: 'Bob' };
const carol = { alias: 'carol', displayName: 'Carol' };

function inv(id: string, from: typeof alice, to: typeof alice, status: Invitation['status'], createdAt: number, expiresAt = 10_000): Invitation {
  return { id: `inv-${id}-0000`, from, to, note: '', createdAt, expiresAt, expiresInMs: expiresAt - createdAt, status };
}

describe('open invitations (the lifecycle as the Invitations view shows it)', () => {
  const all = [
    inv('a', alice, bob, 'pending', 1),
    inv('b', bob, carol, 'pending', 2),
    inv('c', carol, bob, 'pending', 3),
    inv('d', alice, bob, 'accepted', 4),
    inv('e', alice, bob, 'declined', 5),
    inv('f', alice, bob, 'cancelled', 6),
    inv('g', alice, bob, 'expired', 7),
    inv('h', alice, bob, 'pending', 8, 900), // past its expiry, not yet marked so
    inv('i', alice, carol, 'pending', 9), // not Bob's
  ];

  it('lists only pending, unexpired invitations of this user, incoming first, newest first', () => {
    const open = openInvitations(all, 'bob', 1000);
    assert.deepStrictEqual(
      open.map((o) => [o.invitation.id, o.incoming]),
      [
        ['inv-c-0000', true],
        ['inv-a-0000', true],
        ['inv-b-0000', false],
      ],
    );
  });

  it('shows nothing when signed out', () => {
    assert.deepStrictEqual(openInvitations(all, undefined, 1000), []);
  });

  it('drops an invitation the moment it expires', () => {
    assert.strictEqual(openInvitations([inv('a', alice, bob, 'pending', 1, 2000)], 'bob', 1999).length, 1);
    assert.strictEqual(openInvitations([inv('a', alice, bob, 'pending', 1, 2000)], 'bob', 2000).length, 0);
  });
});
