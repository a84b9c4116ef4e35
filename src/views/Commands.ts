/**
 * Every command of the extension. Each is a short handler over the services; errors become clear messages
 * (userMessage) and change nothing.
 */
import * as vscode from 'vscode';
import { join } from 'path';
import type { Logger } from '../common/logger';
import { Alias } from '../protocol/network';
import type { ToolbarAction } from '../protocol/webview';
import { NetworkError } from '../network/NetworkError';
import { plainTextWarning, splitServerAddress } from '../network/serverAddress';
import type { IceOptions } from '../server/IceCredentials';
import type { AssistanceNetwork } from '../session/AssistanceNetwork';
import type { AssistSettings } from '../session/AssistSettings';
import { DirectLinks, lanAddress, type CreatedLink } from '../session/DirectLinks';
import { invitationMailto } from '../session/InvitationMail';
import { InvitationLink, isExpired, parseInvitationLink, timeLeft } from '../session/InvitationLink';
import { startTeamServer, type TeamServer } from '../session/TeamServer';
import type { ContactItem } from './ContactsTreeProvider';
import type { InvitationItem, InvitationsTreeProvider } from './InvitationsTreeProvider';
import type { PresenceStatusBar } from './PresenceStatusBar';
import type { ProblemDocuments } from '../problem/ProblemDocuments';
import type { ProblemReview } from '../problem/ProblemReview';
import { renderProblem } from '../problem/renderProblem';
import type { Invitation } from '../protocol/network';
import type { ToolbarDispatch } from './ToolbarDispatch';
import { userMessage } from './userErrors';
import { registerCommand } from './registerCommand';
import { StatusNotice } from './StatusNotice';
import { askSafely } from './safeQuestion';

export interface CommandServices {
  readonly context: vscode.ExtensionContext;
  readonly network: AssistanceNetwork;
  readonly settings: AssistSettings;
  readonly direct: DirectLinks;
  readonly invitations: InvitationsTreeProvider;
  readonly invitationsView: vscode.TreeView<InvitationItem>;
  readonly presence: PresenceStatusBar;
  readonly problemReview: ProblemReview;
  readonly problemDocuments: ProblemDocuments;
  readonly toolbar: ToolbarDispatch;
  readonly showPanel: () => void;
  /** The sharer's "Restart Sharing" after the host process crashed. */
  readonly restartSharing: () => void;
  /** The session in which this machine shares its screen (throws a user-readable error when there is none). */
  readonly sharing: () => {
    setPaused(paused: boolean): void;
    panic(): void;
    shareOneWindow(): Promise<void>;
    /** "Choose Screen to Share…" mid-session (another monitor, or all). */
    chooseScreen(): Promise<void>;
    /** "Clipboard Sync…": which directions are allowed. */
    chooseClipboard(): Promise<void>;
  };
  /** The helper's "Send Clipboard Text". */
  readonly sendClipboard: () => Promise<void>;
  readonly log: vscode.LogOutputChannel & Logger;
}

const TURN_SECRET_KEY = 'turnSecret';

export class Commands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private teamServer: TeamServer | undefined;
  /** What happened, without a question: the status bar, not a toast. */
  private readonly notice: StatusNotice;

  constructor(private readonly s: CommandServices) {
    this.notice = new StatusNotice(s.log);
    this.disposables.push(this.notice);
    const reg = (id: string, fn: (...args: never[]) => unknown) => this.disposables.push(registerCommand(id, fn, s.log));
    reg('signIn', () => this.signIn());
    reg('signOut', () => s.network.signOut());
    reg('addContact', () => this.addContact());
    reg('setPresence', () => s.presence.choose());
    reg('removeContact', (item: ContactItem) => this.removeContact(item));
    reg('acceptContact', (item: ContactItem) => s.network.client.acceptContact(item.contact.alias));
    reg('askForHelp', (item?: ContactItem) => this.askForHelp(item));
    reg('createInvitationLink', () => this.createInvitationLink());
    reg('sendInvitationByEmail', () => this.sendInvitationByEmail());
    reg('openInvitationLink', (link?: InvitationLink) => this.openInvitationLink(link));
    reg('acceptInvitation', (item?: InvitationItem) => this.answerInvitation(item, 'accept'));
    reg('declineInvitation', (item?: InvitationItem) => this.answerInvitation(item, 'decline'));
    reg('cancelInvitation', (item?: InvitationItem) => this.answerInvitation(item, 'cancel'));
    reg('showProblem', (item?: InvitationItem | Invitation) => this.showProblem(item && 'invitation' in item ? item.invitation : item));
    const toolbar: [string, ToolbarAction][] = [
      ['takeControl', 'takeControl'],
      ['stopControl', 'stopControl'],
      ['sendFile', 'sendFile'],
      ['startTalking', 'startTalking'],
      ['openSettings', 'settings'],
      ['disconnect', 'disconnect'],
      ['help', 'help'],
    ];
    for (const [id, action] of toolbar) {
      reg(id, async () => {
        const message = await s.toolbar.run(action);
        if (message) void vscode.window.showInformationMessage(message);
      });
    }
    reg('startTeamServer', () => this.startTeamServer());
    reg('setTurnSecret', () => this.setTurnSecret());
    reg('showPanel', () => s.showPanel());
    reg('restartSharing', () => s.restartSharing());
    reg('pauseSharing', () => s.sharing().setPaused(true));
    reg('resumeSharing', () => s.sharing().setPaused(false));
    // The panic chord: control revoked and sharing paused in one step.
    reg('panic', () => s.sharing().panic());
    reg('shareOneWindow', () => s.sharing().shareOneWindow());
    reg('chooseScreen', () => s.sharing().chooseScreen());
    reg('clipboardSync', () => s.sharing().chooseClipboard());
    reg('sendClipboard', () => s.sendClipboard());
    reg('showLog', () => s.log.show());
  }

  /** Opens a link that arrived through the URI handler. */
  async openLinkFromUri(link: InvitationLink): Promise<void> {
    await vscode.commands.executeCommand('remoteAssist.openInvitationLink', link);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.teamServer?.server.close();
  }

  private async signIn(): Promise<void> {
    let serverUrl = this.s.settings.serverUrl();
    if (!serverUrl) {
      const entered = await vscode.window.showInputBox({
        title: 'Sign In to an Assistance Server',
        prompt: 'Address of your team\'s assistance server (ws:// or wss://). Without a server, use Create Invitation Link instead.',
        placeHolder: 'wss://192.168.1.20:7420',
        ignoreFocusOut: true,
        validateInput: (v) => (/^wss?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter a ws:// or wss:// address.'),
      });
      if (!entered) return;
      serverUrl = entered.trim().replace(/\/+$/, '');
      await vscode.workspace.getConfiguration('remoteAssist').update('serverUrl', serverUrl, vscode.ConfigurationTarget.Global);
    }
    const warning = plainTextWarning(serverUrl);
    if (warning) {
      this.s.log.warn(warning);
      const go = await askSafely({ message: warning, safe: "Don't Sign In", risky: ['Sign In Anyway'] });
      if (go !== 'Sign In Anyway') return;
    }
    const alias = await vscode.window.showInputBox({
      title: 'Sign In to an Assistance Server',
      prompt: `Your alias on ${serverUrl} (2–32 letters, digits, ".", "_" or "-"). Contacts add you by it.`,
      ignoreFocusOut: true,
      validateInput: (v) => (Alias.safeParse(v.trim()).success ? undefined : 'Use 2–32 letters, digits, ".", "_" or "-", starting with a letter or digit.'),
    });
    if (!alias) return;
    const displayName = this.s.settings.displayName();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Signing in to ${serverUrl}…` }, async () => {
      try {
        await this.s.network.signIn(serverUrl, alias.trim(), displayName);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_BAD_JOIN_PASSWORD') throw err;
        const joinPassword = await vscode.window.showInputBox({ title: 'Join Password', prompt: 'This server asks new accounts for its join password.', password: true, ignoreFocusOut: true });
        if (!joinPassword) return;
        await this.s.network.signIn(serverUrl, alias.trim(), displayName, joinPassword);
      }
    });
    if (this.s.network.signedIn) this.notice.report(`Signed in to ${serverUrl} as ${displayName} (${alias.trim()}).`, 'pass');
  }

  private async addContact(): Promise<void> {
    const alias = await vscode.window.showInputBox({
      title: 'Add Contact',
      prompt: 'Alias of the person to add. They accept your request before you see each other online.',
      validateInput: (v) => (Alias.safeParse(v.trim()).success ? undefined : 'Use 2–32 letters, digits, ".", "_" or "-".'),
    });
    if (!alias) return;
    await this.s.network.client.addContact(alias.trim());
    this.notice.report(`Contact request sent to ${alias.trim()}.`, 'person-add');
  }

  private async removeContact(item: ContactItem | undefined): Promise<void> {
    if (!item) return;
    const yes = await vscode.window.showWarningMessage(`Remove ${item.contact.displayName} from your contacts?`, { modal: true }, 'Remove');
    if (yes === 'Remove') await this.s.network.client.removeContact(item.contact.alias);
  }

  private async askForHelp(item: ContactItem | undefined): Promise<void> {
    const client = this.s.network.client;
    if (!this.s.network.signedIn) {
      const choice = await vscode.window.showInformationMessage('Sign in to an assistance server to ask a contact for help, or send an invitation link instead.', 'Sign In…', 'Create Invitation Link…');
      if (choice === 'Sign In…') await vscode.commands.executeCommand('remoteAssist.signIn');
      if (choice === 'Create Invitation Link…') await vscode.commands.executeCommand('remoteAssist.createInvitationLink');
      return;
    }
    let alias = item?.contact.alias;
    let name = item?.contact.displayName;
    if (!alias) {
      const online = client.contacts.filter((c) => c.status === 'accepted' && c.presence !== 'offline');
      if (online.length === 0) {
        void vscode.window.showInformationMessage('None of your contacts is online. Send an invitation link instead, or add a contact.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        online.map((c) => ({ label: c.displayName, description: `${c.alias} · ${c.presence}`, alias: c.alias })),
        { title: 'Ask for Help', placeHolder: 'Who should help you?' },
      );
      if (!picked) return;
      alias = picked.alias;
      name = picked.label;
    }
    const note = await vscode.window.showInputBox({ title: `Ask ${name} for Help`, prompt: 'What is wrong? (optional)', placeHolder: 'e.g. tests fail only on my machine', validateInput: (v) => (v.length > 500 ? 'At most 500 characters.' : undefined) });
    if (note === undefined) return;
    const review = await this.s.problemReview.run(name ?? alias);
    if (review === 'cancelled') return;
    let invitation;
    try {
      invitation = await client.invite(alias, note.trim() || undefined, this.s.settings.invitationExpiryMs(), review.bundle);
    } catch (err) {
      if (!(err instanceof NetworkError && err.code === 'ERR_CONTACT_BUSY')) throw err;
      void vscode.window.showInformationMessage(userMessage(err, name));
      return;
    }
    this.notice.report(`Invitation sent to ${name}. It expires in ${timeLeft(invitation.expiresAt).replace(/ left$/, '')}.`, 'mail');
  }

  /** A new invitation link: on the team server when signed in, else served by this machine. */
  private async newLink(): Promise<CreatedLink> {
    const expiry = this.s.settings.invitationExpiryMs();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Creating an invitation link…' }, async () =>
      this.s.network.signedIn
        ? DirectLinks.createOn(this.s.network.client, expiry, splitServerAddress(this.s.network.serverUrl ?? '').fingerprint)
        : this.s.direct.create(this.s.settings.displayName(), expiry, { port: this.s.settings.directPort(), address: this.s.settings.directAddress(), ice: await this.iceOptions() }),
    );
  }

  /** Composes a mail with the link in the user's mail program; the password is shown here, to pass on another way. */
  private async sendInvitationByEmail(): Promise<void> {
    const created = await this.newLink();
    const mailto = invitationMailto({ sharerName: this.s.settings.displayName(), link: created.link, browserLink: created.browserLink, expiresAt: created.expiresAt });
    const opened = await vscode.env.openExternal(vscode.Uri.parse(mailto, true));
    this.s.log.info(`invitation mail ${opened ? 'handed to the mail program' : 'could not be opened'}`);
    const choice = await vscode.window.showInformationMessage(
      opened ? 'Your mail program has the invitation. Send the password another way — by phone or chat, not in the same mail.' : 'No mail program opened. Copy the link into a mail yourself, and send the password another way.',
      { modal: true, detail: `${opened ? '' : `Link: ${created.link}\n\n`}Password: ${created.password}` },
      'Copy Password',
      ...(opened ? [] : ['Copy Link']),
    );
    if (choice === 'Copy Password') await vscode.env.clipboard.writeText(created.password);
    if (choice === 'Copy Link') await vscode.env.clipboard.writeText(created.link);
  }

  private async createInvitationLink(): Promise<void> {
    const created = await this.newLink();
    const expires = new Date(created.expiresAt).toLocaleString();
    const choice = await vscode.window.showInformationMessage(
      'Your Remote Assistance invitation is ready.',
      {
        modal: true,
        // One "Password:" in the text, right before the value: people and scripts read it the same way.
        detail: `Send both to your helper, ideally by two different channels. The invitation works once, until ${expires}.\n\nLink: ${created.link}\n\nWithout VS Code, in a web browser: ${created.browserLink}\n\nPassword: ${created.password}`,
      },
      'Copy Link and Password',
    );
    if (choice) {
      await vscode.env.clipboard.writeText(`Remote Assistance invitation\nLink: ${created.link}\nIn a web browser: ${created.browserLink}\nPassword: ${created.password}\nExpires: ${expires}`);
    }
  }

  private async openInvitationLink(given: InvitationLink | undefined): Promise<void> {
    let link = given;
    if (!link) {
      const text = await vscode.window.showInputBox({
        title: 'Open Invitation Link',
        prompt: 'Paste the Remote Assistance invitation link you received.',
        placeHolder: 'vscode://remote-assist.remote-assist/redeem?…',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            parseInvitationLink(v);
            return undefined;
          } catch (err) {
            return (err as Error).message;
          }
        },
      });
      if (!text) return;
      link = parseInvitationLink(text);
    }
    if (isExpired(link)) throw new Error('This invitation has expired. Ask for a new one.');
    let password = link.secret;
    if (!password) {
      const entered = await vscode.window.showInputBox({ title: 'Open Invitation Link', prompt: 'The invitation\'s password', password: true, ignoreFocusOut: true });
      if (!entered) return;
      password = entered.trim();
    }
    const target = link;
    const warning = plainTextWarning(target.server);
    if (warning) {
      this.s.log.warn(warning);
      const go = await askSafely({ message: warning, safe: "Don't Join", risky: ['Join Anyway'] });
      if (go !== 'Join Anyway') return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Joining the Remote Assistance session…' }, async () => {
      if (this.s.network.signedIn && splitServerAddress(this.s.network.serverUrl ?? '').url === target.server) await this.s.network.client.redeemLink(target.id, password);
      else await this.s.direct.join(target, password, this.s.settings.displayName());
    });
  }

  private async answerInvitation(item: InvitationItem | undefined, answer: 'accept' | 'decline' | 'cancel'): Promise<void> {
    const incoming = answer !== 'cancel';
    let chosen = item?.invitation;
    if (!chosen) {
      // From a keybinding or the palette: the focused item, else the only one, else ask.
      const selected = this.s.invitationsView.selection.find((i) => i.incoming === incoming);
      const open = this.s.invitations.open().filter((i) => i.incoming === incoming);
      chosen = selected?.invitation ?? (open.length === 1 ? open[0].invitation : undefined);
      if (!chosen && open.length > 1) {
        const picked = await vscode.window.showQuickPick(
          open.map(({ invitation }) => ({ label: incoming ? invitation.from.displayName : invitation.to.displayName, description: invitation.note, detail: timeLeft(invitation.expiresAt), invitation })),
          { title: incoming ? 'Which invitation?' : 'Cancel which invitation?' },
        );
        chosen = picked?.invitation;
      }
    }
    if (!chosen) return;
    const client = this.s.network.client;
    if (answer === 'accept') await client.acceptInvitation(chosen.id);
    else if (answer === 'decline') await client.declineInvitation(chosen.id);
    else await client.cancelInvitation(chosen.id);
  }

  /** The problem attached to an invitation, as a read-only document (the helper reads it before accepting). */
  private async showProblem(given: Invitation | undefined): Promise<void> {
    const invitation = given ?? this.s.invitations.open().find((i) => i.incoming && i.invitation.hasProblem)?.invitation;
    if (!invitation) return;
    const problem = await this.s.network.client.getProblem(invitation.id);
    const incoming = invitation.to.alias === this.s.network.client.account?.alias;
    const from = incoming ? `${invitation.from.displayName} (${invitation.from.alias})` : 'You';
    await this.s.problemDocuments.show(invitation.id, `Problem from ${invitation.from.displayName}`, renderProblem({ from, note: invitation.note, createdAt: invitation.createdAt }, problem));
  }

  /** STUN/TURN from the settings, with coturn's secret from VS Code's secret storage. */
  private async iceOptions(): Promise<IceOptions> {
    return this.s.settings.iceOptions(await this.s.context.secrets.get(TURN_SECRET_KEY));
  }

  private async setTurnSecret(): Promise<void> {
    const secret = await vscode.window.showInputBox({
      title: 'TURN secret',
      prompt: "coturn's static-auth-secret (use-auth-secret). It stays on this machine: sessions get credentials derived from it. Empty removes it.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v === '' || (v.length >= 16 && v.length <= 256) ? undefined : 'Use 16 to 256 characters.'),
    });
    if (secret === undefined) return;
    if (secret === '') await this.s.context.secrets.delete(TURN_SECRET_KEY);
    else await this.s.context.secrets.store(TURN_SECRET_KEY, secret);
    this.notice.report(secret === '' ? 'The TURN secret was removed.' : 'The TURN secret is stored. Invitation links and a team server started from now on use it.', 'key');
  }

  private async startTeamServer(): Promise<void> {
    if (this.teamServer) {
      this.notice.report(`The team server is already running at ${this.teamServer.address}.`, 'server');
      return;
    }
    const address = this.s.settings.directAddress() || lanAddress();
    const dataDir = join(this.s.context.globalStorageUri.fsPath, 'team-server');
    const team = await startTeamServer(dataDir, address, this.s.settings.invitationExpiryMs(), await this.iceOptions(), this.s.log);
    this.teamServer = team;
    this.s.log.info(`team server listening at ${team.server.url} (certificate SHA-256 ${team.fingerprint}), data in ${dataDir}`);
    const choice = await vscode.window.showInformationMessage(
      `A team server is running on this machine while VS Code is open. Teammates set "Remote Assist: Server Url" to ${team.address} (the end pins this server's certificate, SHA-256 ${team.fingerprint}) and sign in with the join password.`,
      'Use It and Sign In…',
      'Copy Address',
      'Copy Join Password',
    );
    if (choice === 'Copy Address') await vscode.env.clipboard.writeText(team.address);
    if (choice === 'Copy Join Password') await vscode.env.clipboard.writeText(team.joinPassword);
    if (choice === 'Use It and Sign In…') {
      await vscode.workspace.getConfiguration('remoteAssist').update('serverUrl', team.address, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('remoteAssist.signIn');
    }
  }
}
