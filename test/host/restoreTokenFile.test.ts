/** The portal's restore token on disk: kept per kind, readable only by the sharer, and anything odd in the file ignored. */
import * as assert from 'assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { RestoreTokenFile } from '../../src/host/wayland/RestoreTokenFile';

describe('host: RestoreTokenFile (Wayland portal restore tokens)', function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ra-token-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the screen and control tokens apart, in a file only the sharer can read', function () {
    const env = { REMOTE_ASSIST_STATE_DIR: path.join(dir, 'state') };
    const screen = RestoreTokenFile.forEnv(env, 'screen');
    const control = RestoreTokenFile.forEnv(env, 'control');
    assert.strictEqual(screen.read(), undefined);
    screen.write('9aa7aec7-2b8b-4c8c-be74-03e8c56ae0f3');
    control.write('1f6e0c1a-0000-4000-8000-000000000001');
    assert.strictEqual(screen.read(), '9aa7aec7-2b8b-4c8c-be74-03e8c56ae0f3');
    assert.strictEqual(control.read(), '1f6e0c1a-0000-4000-8000-000000000001');
    assert.strictEqual(statSync(screen.path).mode & 0o777, 0o600);
  });

  it('defaults to $XDG_STATE_HOME/remote-assist', function () {
    assert.strictEqual(RestoreTokenFile.forEnv({ XDG_STATE_HOME: dir }, 'screen').path, path.join(dir, 'remote-assist', 'portal-restore-token'));
  });

  it('ignores a corrupt or oversized file and never writes a token that is not one', function () {
    const file = new RestoreTokenFile(path.join(dir, 'token'));
    writeFileSync(file.path, 'not a token\n$(rm -rf ~)\n');
    assert.strictEqual(file.read(), undefined);
    writeFileSync(file.path, 'a'.repeat(5000));
    assert.strictEqual(file.read(), undefined);
    file.write('bad token with spaces');
    assert.strictEqual(readFileSync(file.path, 'utf8'), 'a'.repeat(5000));
  });
});
