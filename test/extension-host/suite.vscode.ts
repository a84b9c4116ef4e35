/** Runs inside a real VS Code extension host (see run.ts): the contributions are there and safe by default. */
import assert from 'assert';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000 });
  mocha.suite.emit('pre-require', globalThis, 'suite', mocha);
  describe('Remote Assist in the extension host', () => {
    before(async () => {
      await vscode.extensions.getExtension('remote-assist.remote-assist')?.activate();
    });

    it('registers every command', async () => {
      const all = await vscode.commands.getCommands(true);
      for (const id of ['signIn', 'askForHelp', 'createInvitationLink', 'openInvitationLink', 'acceptInvitation', 'declineInvitation', 'takeControl', 'stopControl', 'sendFile', 'startTalking', 'openSettings', 'disconnect', 'help', 'startTeamServer']) {
        assert.ok(all.includes(`remoteAssist.${id}`), id);
      }
    });

    it('keeps remote control off by default, and a workspace cannot turn it on', () => {
      const inspected = vscode.workspace.getConfiguration('remoteAssist').inspect<boolean>('allowRemoteControl');
      assert.strictEqual(inspected?.defaultValue, false);
      assert.strictEqual(inspected?.workspaceValue, undefined);
    });

    it('opens Help', async () => {
      await assert.doesNotReject(Promise.resolve(vscode.commands.executeCommand('remoteAssist.help')));
    });
  });
  return new Promise((resolve, reject) => mocha.run((failures) => (failures ? reject(new Error(`${failures} failed`)) : resolve())));
}
