/**
 * The session bus without usocket (a .vsix built elsewhere has no binary for it; one built for Node does not
 * load in Electron): dbus-next reaches a `path=` bus through Node's own socket (the packaged host did so before
 * usocket was packed: test/package), but not an `abstract=` one, which PortalBus refuses with a clear reason.
 */
import * as assert from 'assert';
import { reachableWithoutUsocket } from '../../src/host/wayland/PortalBus';

describe('wayland: the session bus without usocket', function () {
  it('is reachable at a path, not at abstract sockets only', function () {
    assert.strictEqual(reachableWithoutUsocket('unix:path=/run/user/1000/bus'), true);
    assert.strictEqual(reachableWithoutUsocket('unix:abstract=/tmp/dbus-abc,guid=42'), false);
    assert.strictEqual(reachableWithoutUsocket('unix:guid=1,abstract=x;unix:path=/p'), true);
  });
});
