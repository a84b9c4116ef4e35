/** The manifest the workbench reads: coherent contributions, and remote control off and out of workspaces' reach. */
import assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_REDACT_WINDOWS, RedactRules } from '../../src/protocol/host';
import { ControlTimeLimits, DEFAULT_CONTROL_TIME_LIMITS } from '../../src/session/ControlTimeLimits';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;

describe('extension manifest', () => {
  const declared = new Set<string>(c.commands.map((x: { command: string }) => x.command));

  it('declares every command the extension registers, each with the category', () => {
    const source = readFileSync(join(root, 'src/views/Commands.ts'), 'utf8');
    const registered = [...source.matchAll(/reg\('([A-Za-z]+)'/g), ...source.matchAll(/\['([A-Za-z]+)', '[A-Za-z]+'\]/g)].map((m) => `remoteAssist.${m[1]}`);
    assert.ok(registered.length >= 20);
    for (const id of registered) assert.ok(declared.has(id), `${id} is registered but not declared`);
    for (const cmd of c.commands) assert.strictEqual(cmd.category, 'Remote Assist', cmd.command);
  });

  it('refers only to declared commands and views in menus, keybindings and welcome content', () => {
    const menuCommands = Object.values(c.menus as Record<string, { command: string }[]>).flat().map((m) => m.command);
    const keyCommands = c.keybindings.map((k: { command: string }) => k.command);
    const welcomeCommands = c.viewsWelcome.flatMap((w: { contents: string }) => [...w.contents.matchAll(/command:([\w.]+)/g)].map((m) => m[1]));
    for (const id of [...menuCommands, ...keyCommands, ...welcomeCommands]) assert.ok(declared.has(id), id);
    const views = new Set(c.views.remoteAssist.map((v: { id: string }) => v.id));
    for (const w of c.viewsWelcome) assert.ok(views.has(w.view), w.view);
    assert.deepStrictEqual([...views], ['remoteAssist.contacts', 'remoteAssist.invitations', 'remoteAssist.chat']);
    assert.strictEqual(c.viewsContainers.activitybar[0].title, 'Assistance');
  });

  it('keeps remote control off by default and machine-scoped; the device token is not a setting', () => {
    const props = c.configuration.properties;
    assert.deepStrictEqual([props['remoteAssist.allowRemoteControl'].default, props['remoteAssist.allowRemoteControl'].scope], [false, 'machine']);
    assert.deepStrictEqual(props['remoteAssist.quality'].enum, ['Auto', 'Low', 'Balanced', 'Best']);
    for (const key of ['serverUrl', 'displayName', 'invitationExpiryMinutes']) assert.ok(props[`remoteAssist.${key}`], key);
    assert.ok(!Object.keys(props).some((k) => /token|secret|password/i.test(k)));
  });

  it('hides password managers by default, and only the user (never a workspace) can change which windows', () => {
    const setting = c.configuration.properties['remoteAssist.privacy.redactWindows'];
    assert.deepStrictEqual(setting.default, DEFAULT_REDACT_WINDOWS);
    assert.strictEqual(setting.scope, 'machine');
    assert.ok(RedactRules.safeParse(setting.default).success);
    assert.deepStrictEqual([setting.maxItems, setting.items.maxLength], [64, 100], 'the same bounds as the host command');
  });

  it('offers 5, 15 and 30 minutes of control by default, and only the user (never a workspace) can change them', () => {
    const setting = c.configuration.properties['remoteAssist.controlTimeLimits'];
    assert.deepStrictEqual([setting.default, setting.scope], [DEFAULT_CONTROL_TIME_LIMITS, 'machine']);
    assert.ok(ControlTimeLimits.safeParse(setting.default).success);
    assert.deepStrictEqual([setting.items.minimum, setting.items.maximum, setting.minItems, setting.maxItems], [0.25, 1440, 1, 4], 'the same bounds as the check in the extension');
  });

  it('declares what works in untrusted and virtual workspaces', () => {
    const caps = pkg.capabilities;
    assert.strictEqual(caps.untrustedWorkspaces.supported, true);
    assert.match(caps.untrustedWorkspaces.description, /no workspace can set it/);
    assert.strictEqual(caps.virtualWorkspaces.supported, true);
    assert.match(caps.virtualWorkspaces.description, /Send a File .* this machine's own disk/);
  });

  it('keeps every setting but the screen quality out of workspaces, and whole numbers integer and bounded', () => {
    const props = c.configuration.properties as Record<string, { type: string; scope?: string; minimum?: number; maximum?: number; default: unknown }>;
    // Quality only shapes the picture this machine sends; any other setting could expose the machine or its user.
    const workspaceSettable = Object.entries(props).filter(([, p]) => p.scope !== 'machine' && p.scope !== 'application').map(([key]) => key);
    assert.deepStrictEqual(workspaceSettable, ['remoteAssist.quality']);
    assert.strictEqual(props['remoteAssist.quality'].scope, 'window');
    assert.strictEqual(props['remoteAssist.displayName'].scope, 'application');
    assert.deepStrictEqual(Object.values(props).filter((p) => p.type === 'number'), []);
    for (const [key, p] of Object.entries(props).filter(([, p]) => p.type === 'integer')) {
      assert.ok(Number.isInteger(p.minimum) && Number.isInteger(p.maximum), `${key} has integer bounds`);
      assert.ok(Number.isInteger(p.default) && (p.default as number) >= p.minimum! && (p.default as number) <= p.maximum!, `${key}'s default is within them`);
    }
    assert.deepStrictEqual(Object.keys(props).filter((k) => props[k].type === 'integer'), ['remoteAssist.continueSharingMinutes', 'remoteAssist.invitationExpiryMinutes', 'remoteAssist.directPort', 'remoteAssist.network.turnCredentialHours', 'remoteAssist.files.maxSizeMB']);
  });

  it('puts Accept and Decline on keys for a focused invitation', () => {
    const bound = c.keybindings.filter((k: { when: string }) => k.when.includes('focusedView == remoteAssist.invitations')).map((k: { command: string }) => k.command);
    assert.deepStrictEqual(bound.sort(), ['remoteAssist.acceptInvitation', 'remoteAssist.declineInvitation']);
  });

  it('answers a pending invitation with the seed\'s keys, Alt+T and Alt+D, and only while one is pending', () => {
    const keyed = (key: string) => c.keybindings.filter((k: { key: string }) => k.key === key);
    for (const [key, command] of [['alt+t', 'remoteAssist.acceptInvitation'], ['alt+d', 'remoteAssist.declineInvitation']]) {
      assert.deepStrictEqual(keyed(key).map((k: { command: string }) => k.command), [command], key);
      assert.match(keyed(key)[0].when, /^remoteAssist\.hasIncomingInvitation\b/, key);
    }
  });
});
