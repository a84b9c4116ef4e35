/** Remote Assist: builds the services and registers the contributions. Feature code lives in its folders. */
import * as path from 'path';
import * as vscode from 'vscode';
import { registerVoice, talkFactory } from './audio/VoiceFeature';
import { filesFactory, registerFiles } from './files/FilesFeature';
import { HostSupervisor } from './host/supervisor';
import { AssistanceNetwork } from './session/AssistanceNetwork';
import { AssistSettings } from './session/AssistSettings';
import { ConsentPrompts } from './session/ConsentPrompts';
import { DirectLinks } from './session/DirectLinks';
import { HelperSession } from './session/HelperSession';
import { parseInvitationUri } from './session/InvitationLink';
import { QUALITY_DESCRIPTIONS, QUALITY_PRESETS, QualityPreset } from './session/QualityPresets';
import { SessionCoordinator } from './session/SessionCoordinator';
import { SessionFeatures } from './session/SessionFeatures';
import { SharerSession } from './session/SharerSession';
import { AssistancePanel } from './views/AssistancePanel';
import { ChatViewProvider } from './views/ChatViewProvider';
import { Commands } from './views/Commands';
import { ContactsTreeProvider } from './views/ContactsTreeProvider';
import { ContextKeys } from './views/ContextKeys';
import { ControlNotice } from './views/ControlNotice';
import { InvitationToasts } from './views/InvitationToasts';
import { InvitationsTreeProvider } from './views/InvitationsTreeProvider';
import { SessionStatusBar } from './views/SessionStatusBar';
import { ToolbarDispatch } from './views/ToolbarDispatch';
import { userMessage } from './views/userErrors';

/** Session features other parts register into (Send a File, Start Talking). */
export const sessionFeatures = new SessionFeatures();

export function activate(context: vscode.ExtensionContext): void {
  const subs = context.subscriptions;
  const log = vscode.window.createOutputChannel('Remote Assist', { log: true });
  subs.push(log);
  const settings = new AssistSettings(log);
  const historyDir = path.join(context.globalStorageUri.fsPath, 'chat');
  const ctx = () => ({ myName: settings.displayName(), historyDir });

  const network = new AssistanceNetwork(
    {
      // REMOTE_ASSIST_DEVICE_TOKEN: a token the launcher issued (npm run demo); code-server keeps secrets per browser.
      get: async (url) => (await context.secrets.get(`deviceToken:${url}`)) ?? process.env.REMOTE_ASSIST_DEVICE_TOKEN,
      store: (url, token) => Promise.resolve(context.secrets.store(`deviceToken:${url}`, token)),
      delete: (url) => Promise.resolve(context.secrets.delete(`deviceToken:${url}`)),
    },
    log,
  );
  subs.push(network);

  const talk = talkFactory(log);
  const files = filesFactory(log);
  const sessions = new SessionCoordinator(
    {
      sharer: (session, client) =>
        new SharerSession(session, client, ctx(), new ConsentPrompts(), settings, () => new HostSupervisor({
          hostScript: path.join(context.extensionUri.fsPath, 'dist', 'host.js'),
          // Inside VS Code the extension host runs on Electron's binary: run it as plain Node for the host.
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          logger: log,
        }), log, talk, files),
      helper: (session, client) => {
        panel.open(session.peer.displayName);
        const helper = new HelperSession(session, client, ctx(), (m) => panel.post(m), log, talk, files, vscode.env.clipboard);
        panel.attach(helper);
        return helper;
      },
    },
    historyDir,
    log,
  );
  subs.push(sessions);
  sessions.watch(network.client);
  subs.push(registerVoice(sessionFeatures, () => sessions.active));
  subs.push(registerFiles(sessionFeatures, () => sessions.active, log));

  const toolbar = new ToolbarDispatch(() => sessions.active, sessionFeatures, {
    help: async () => {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'media', 'help.md'));
    },
    settings: async (session) => {
      const current = settings.qualityPreset();
      const picked = await vscode.window.showQuickPick(
        QUALITY_PRESETS.map((p) => ({ label: p, description: QUALITY_DESCRIPTIONS[p], picked: p === current })),
        { title: 'Remote Assistance Settings: Screen Quality', placeHolder: `Current: ${current}` },
      );
      if (!picked) return undefined;
      const preset = picked.label as QualityPreset;
      if (!session || session.model.role === 'sharer') await settings.setQualityPreset(preset);
      if (session && session.model.phase === 'connected') await session.setQuality(preset);
      return `Screen quality: ${preset}.`;
    },
  });
  const panel = new AssistancePanel(context.extensionUri, toolbar, log);
  subs.push(panel);

  const direct = new DirectLinks((client) => sessions.watch(client), log);
  subs.push(direct);

  const contacts = new ContactsTreeProvider(network.client);
  const invitations = new InvitationsTreeProvider(network.client);
  const invitationsView = vscode.window.createTreeView('remoteAssist.invitations', { treeDataProvider: invitations });
  subs.push(
    contacts,
    invitations,
    invitationsView,
    vscode.window.createTreeView('remoteAssist.contacts', { treeDataProvider: contacts }),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, new ChatViewProvider(context.extensionUri, sessions, log)),
    new SessionStatusBar(sessions),
    new ControlNotice(sessions),
    new ContextKeys(network, sessions, invitations),
    new InvitationToasts(network.client, log),
  );

  // A window reload brings the panel back (with the last session's history, or the session if it is live).
  subs.push(vscode.window.registerWebviewPanelSerializer(AssistancePanel.viewType, { deserializeWebviewPanel: async (restored) => panel.adopt(restored, () => sessions.lastStoredView()) }));
  const restartSharing = () => {
    const active = sessions.active;
    if (!(active instanceof SharerSession)) throw new Error('You are not sharing your screen in a session.');
    active.restartSharing();
  };
  const chooseScreen = async () => {
    const active = sessions.active;
    if (!(active instanceof SharerSession)) throw new Error('You are not sharing your screen in a session.');
    await active.chooseScreen();
  };
  const clipboardSync = async () => {
    const active = sessions.active;
    if (!(active instanceof SharerSession)) throw new Error('You are not sharing your screen in a session.');
    await active.chooseClipboard();
  };
  const sendClipboard = async () => {
    const active = sessions.active;
    if (!(active instanceof HelperSession)) throw new Error('You are not helping in a session.');
    await active.sendClipboard();
  };
  const commands = new Commands({ context, network, settings, direct, invitations, invitationsView, toolbar, showPanel: () => panel.reveal(), restartSharing, chooseScreen, clipboardSync, sendClipboard, log });
  subs.push(commands);
  subs.push(
    vscode.window.registerUriHandler({
      handleUri: async (uri) => {
        log.info(`opened ${uri.path}`);
        try {
          await commands.openLinkFromUri(parseInvitationUri(uri.path, uri.query));
        } catch (err) {
          void vscode.window.showErrorMessage(userMessage(err));
        }
      },
    }),
  );

  const resume = () => {
    const url = settings.serverUrl();
    if (url && !network.signedIn) void network.resume(url).catch((err) => log.warn(`could not sign in to ${url}: ${userMessage(err)}`));
  };
  subs.push(settings.onDidChange(resume));
  resume();
}

export function deactivate(): void {
  // context.subscriptions dispose everything: sessions end, the host process stops, servers close.
}
