/**
 * The macOS permission decisions (Screen Recording to share, Accessibility to be controlled). macOS itself is
 * not available here: the statuses are the ones node-mac-permissions reports, fed to the same functions the
 * host process runs; on a real Mac this path is untested.
 */
import * as assert from 'assert';
import { AuthStatus, checkMacPermission, MacPermission, permissionProblem, settingsUrlFor, SETTINGS_URL } from '../../src/host/capture/macPermissions';

describe('host: macOS permissions', () => {
  it('lets sharing and control go on only when authorized', () => {
    assert.strictEqual(permissionProblem('screen', 'authorized'), undefined);
    assert.strictEqual(permissionProblem('accessibility', 'authorized'), undefined);
    for (const status of ['denied', 'not determined', 'restricted'] as AuthStatus[]) {
      assert.strictEqual(permissionProblem('screen', status)?.code, 'ERR_PERMISSION_SCREEN_RECORDING');
      assert.strictEqual(permissionProblem('accessibility', status)?.code, 'ERR_PERMISSION_ACCESSIBILITY');
    }
  });

  it('says which System Settings page to open, or that an administrator restricts it', () => {
    assert.match(permissionProblem('screen', 'denied')!.message, /To share your screen, VS Code needs the Screen Recording permission\. Open System Settings › Privacy & Security › Screen Recording, turn on Visual Studio Code/);
    assert.match(permissionProblem('accessibility', 'not determined')!.message, /To let a helper control this Mac, VS Code needs the Accessibility permission/);
    assert.match(permissionProblem('screen', 'restricted')!.message, /administrator does not allow Screen Recording/);
  });

  it('maps each permission error to its x-apple.systempreferences page, and nothing else to one', () => {
    assert.strictEqual(settingsUrlFor('ERR_PERMISSION_SCREEN_RECORDING'), 'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture');
    assert.strictEqual(settingsUrlFor('ERR_PERMISSION_ACCESSIBILITY'), 'x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility');
    assert.strictEqual(settingsUrlFor('ERR_PLATFORM_UNSUPPORTED'), undefined);
    assert.deepStrictEqual(Object.keys(SETTINGS_URL).sort(), ['accessibility', 'screen']);
  });

  it("asks macOS to show its own prompt only when the user was never asked, and goes on where the module is absent", () => {
    const asked: string[] = [];
    const mac = (status: AuthStatus) => () => ({
      getAuthStatus: (_: MacPermission) => status,
      askForScreenCaptureAccess: () => void asked.push('screen'),
      askForAccessibilityAccess: () => void asked.push('accessibility'),
    });
    assert.strictEqual(checkMacPermission('screen', mac('not determined'))?.code, 'ERR_PERMISSION_SCREEN_RECORDING');
    assert.strictEqual(checkMacPermission('accessibility', mac('not determined'))?.code, 'ERR_PERMISSION_ACCESSIBILITY');
    assert.strictEqual(checkMacPermission('screen', mac('denied'))?.code, 'ERR_PERMISSION_SCREEN_RECORDING');
    assert.strictEqual(checkMacPermission('screen', mac('authorized')), undefined);
    assert.deepStrictEqual(asked, ['screen', 'accessibility']);
    assert.strictEqual(checkMacPermission('screen', () => undefined), undefined);
  });
});
