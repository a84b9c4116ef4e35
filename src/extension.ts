/** Remote Assist: builds the services and registers the contributions. Feature code lives in its folders. */
import * as path from 'path';
import * as vscode from 'vscode';
import { registerVoice, talkFactory } from './audio/VoiceFeature';
import { filesFactory, registerFiles } from './files/FilesFeature';
import { HostSupervisor } from './supervisor/HostSupervisor';
import { ProblemDocuments } from './problem/ProblemDocuments';
import { ProblemReview } from './problem/ProblemReview';
import { SessionRecords } from './record/SessionRecords';
import { AssistanceNetwork } from './session/AssistanceNetwork';
import { AssistSettings } from './session/AssistSettings';
import { ConsentPrompts } from './session/ConsentPrompts';
import { DirectLinks } from './session/DirectLinks';
import { HelperSession } from './session/HelperSession';
import { parseInvitationUri } from './session/InvitationLink';
import { CompanySignInCommands, OIDC_CALLBACK_PATH } from './views/CompanySignInCommands';
import { QUALITY_DESCRIPTIONS, QUALITY_PRESETS, QualityPreset } from './session/QualityPresets';
import { SessionCoordinator } from './session/SessionCoordinator';
import { SessionFeatures } from './session/SessionFeatures';
import { SessionResume } from './session/SessionResume';
import { SharerSession } from './session/SharerSession';
import { AssistancePanel } from './views/AssistancePanel';
import { ChatViewProvider } from './views/ChatViewProvider';
import { Commands } from './views/Commands';
import { ContactsTreeProvider } from './views/ContactsTreeProvider';
import { ContextKeys } from './views/ContextKeys';
import { ControlNotice } from './views/ControlNotice';
import { InvitationBadge } from './views/InvitationBadge';
import { InvitationToasts } from './views/InvitationToasts';
import { DeviceCommands } from './views/DeviceCommands';
import { InvitationsTreeProvider } from './views/InvitationsTreeProvider';
import { PresenceStatusBar } from './views/PresenceStatusBar';
import { SessionStatusBar } from './views/SessionStatusBar';
import { ToolbarDispatch } from './views/ToolbarDispatch';
import { userMessage } from './views/userErrors';

/** Session features other parts register into (Send a File, Start Talking). */
export const sessionFeatures = new SessionFeatures();
/** Keeps a live session for a window reload; called by deactivate, before the subscriptions are disposed. */
let suspendForReload: (() => Promise<unknown>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const subs = context.subscriptions;
  const log = vscode.window.createOutputChannel('Remote Assist', { log: true });
  subs.push(log);
  const settings = new AssistSettings(log);
  const historyDir = path.join(context.globalStorageUri.fsPath, 'chat');
  const ctx = () => ({ myName: settings.displayName(), historyDir });
  // What the last window left open when it reloaded: its client id lets this window rejoin that session.
  const resumeDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const resumed = SessionResume.take(resumeDir, log);

  const network = new AssistanceNetwork(
    {
      // REMOTE_ASSIST_DEVICE_TOKEN: a token the launcher issued (npm run demo); code-server keeps secrets per browser.
      get: async (url) => (await context.secrets.get(`deviceToken:${url}`)) ?? process.env.REMOTE_ASSIST_DEVICE_TOKEN,
      store: (url, token) => Promise.resolve(context.secrets.store(`deviceToken:${url}`, token)),
      delete: (url) => Promise.resolve(context.secrets.delete(`deviceToken:${url}`)),
    },
    log,
    resumed?.clientId,
  );
  subs.push(network);

  const talk = talkFactory(log);
  const files = filesFactory(log);
  const sessions = new SessionCoordinator(
    {
      sharer: (session, client, resumedFrom) =>
        new SharerSession(session, client, ctx(), new ConsentPrompts(), settings, () => new HostSupervisor({
          hostScript: path.join(context.extensionUri.fsPath, 'dist', 'host.js'),
          // Inside VS Code the extension host runs on Electron's binary: run it as plain Node for the host.
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          logger: log,
        }), log, talk, files, resumedFrom),
      helper: (session, client, resumedFrom) => {
        panel.open(session.peer.displayName);
        const helper = new HelperSession(session, client, ctx(), (m) => panel.post(m), log, talk, files, resumedFrom, vscode.env.clipboard);
        panel.attach(helper);
        return helper;
      },
    },
    historyDir,
    log,
  );
  subs.push(sessions);
  sessions.watch(network.client);
  const reload = new SessionResume(resumeDir, network, sessions, log);
  if (resumed) reload.expect(resumed, settings.serverUrl());
  suspendForReload = () => reload.suspend();
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

  const chatView = new ChatViewProvider(context.extensionUri, sessions, log);
  subs.push(chatView);
  const contacts = new ContactsTreeProvider(network.client);
  const invitations = new InvitationsTreeProvider(network.client);
  const invitationsView = vscode.window.createTreeView('remoteAssist.invitations', { treeDataProvider: invitations });
  const presence = new PresenceStatusBar(network.client);
  const problemDocuments = new ProblemDocuments();
  subs.push(problemDocuments);
  subs.push(
    contacts,
    invitations,
    invitationsView,
    vscode.window.createTreeView('remoteAssist.contacts', { treeDataProvider: contacts }),
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, chatView),
    new SessionRecords({ historyDir, sessions, myName: () => settings.displayName(), showInChat: (view) => chatView.showPast(view) }),
    new SessionStatusBar(sessions),
    new ControlNotice(sessions),
    new ContextKeys(network, sessions, invitations),
    new InvitationToasts(network.client, log),
    presence,
    new InvitationBadge(invitations, invitationsView),
  );

  // A window reload brings the panel back (with the last session's history, or the session if it is live).
  subs.push(vscode.window.registerWebviewPanelSerializer(AssistancePanel.viewType, { deserializeWebviewPanel: async (restored) => panel.adopt(restored, () => sessions.lastStoredView()) }));
  const sharing = () => {
    const active = sessions.active;
    if (!(active instanceof SharerSession)) throw new Error('You are not sharing your screen in a session.');
    return active;
  };
  const restartSharing = () => sharing().restartSharing();
  // A new redaction setting reaches a running session at once.
  subs.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('remoteAssist.privacy.redactWindows') && sessions.active instanceof SharerSession && sessions.active.setRedaction(settings.redactWindows())));
  const sendClipboard = async () => {
    const active = sessions.active;
    if (!(active instanceof HelperSession)) throw new Error('You are not helping in a session.');
    await active.sendClipboard();
  };
  const commands = new Commands({ context, network, settings, direct, invitations, invitationsView, presence, problemReview: new ProblemReview(context, problemDocuments), problemDocuments, toolbar, showPanel: () => panel.reveal(), restartSharing, sharing, sendClipboard, log });
  subs.push(commands);
  subs.push(new DeviceCommands(network, settings, log));
  const company = new CompanySignInCommands(network, settings, log);
  subs.push(company);
  subs.push(
    vscode.window.registerUriHandler({
      handleUri: async (uri) => {
        log.info(`opened ${uri.path}`);
        try {
          // the identity provider's answer to a company sign-in; everything else is an invitation link
          if (uri.path === OIDC_CALLBACK_PATH) company.handleCallback(uri.query);
          else await commands.openLinkFromUri(parseInvitationUri(uri.path, uri.query));
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

export async function deactivate(): Promise<void> {
  // A live session is left open for a reloaded window (SessionResume); then context.subscriptions dispose
  // everything: other sessions end, the host process stops, servers close.
  const suspend = suspendForReload;
  suspendForReload = undefined;
  await suspend?.();
}
