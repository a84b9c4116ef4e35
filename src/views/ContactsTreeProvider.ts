/** The Contacts view: who is known to the assistance network, with presence, requests and blocks. */
import * as vscode from 'vscode';
import type { NetworkClient } from '../network/NetworkClient';
import type { Contact } from '../protocol/network';

export class ContactItem extends vscode.TreeItem {
  constructor(readonly contact: Contact) {
    super(contact.displayName, vscode.TreeItemCollapsibleState.None);
    const { presence, status, alias } = contact;
    const state = status === 'accepted' ? presence : status === 'incoming' ? 'wants to add you' : status === 'outgoing' ? 'request sent' : 'blocked';
    this.id = `contact:${alias}`;
    this.description = `${alias} · ${state}`;
    this.tooltip = new vscode.MarkdownString(`**${escapeMd(contact.displayName)}** (${escapeMd(alias)})  \n${state}`);
    this.accessibilityInformation = { label: `${contact.displayName}, ${state}` };
    this.contextValue = status === 'accepted' ? (presence === 'offline' ? 'contact.offline' : 'contact.online') : status === 'incoming' ? 'contact.request' : `contact.${status}`;
    this.iconPath = presenceIcon(contact);
  }
}

function presenceIcon(contact: Contact): vscode.ThemeIcon {
  if (contact.status === 'incoming') return new vscode.ThemeIcon('person-add', new vscode.ThemeColor('charts.blue'));
  if (contact.status === 'outgoing') return new vscode.ThemeIcon('watch');
  if (contact.status === 'blocked') return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  switch (contact.presence) {
    case 'online':
      return new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.green'));
    case 'away':
      return new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow'));
    case 'busy':
      return new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.red'));
    default:
      return new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('disabledForeground'));
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

const ORDER: Record<string, number> = { incoming: 0, accepted: 1, outgoing: 2, blocked: 3 };
const PRESENCE: Record<string, number> = { online: 0, busy: 1, away: 2, offline: 3 };

export class ContactsTreeProvider implements vscode.TreeDataProvider<ContactItem>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly client: NetworkClient) {
    const refresh = () => this._onDidChangeTreeData.fire();
    this.subscriptions = [client.onDidChangeContacts(refresh), client.onDidChangePresence(refresh), client.onDidChangeConnectionState(refresh)];
  }

  getTreeItem(item: ContactItem): vscode.TreeItem {
    return item;
  }

  /** Empty when signed out, so the view shows its welcome content. */
  getChildren(): ContactItem[] {
    if (this.client.connectionState !== 'signedIn') return [];
    return [...this.client.contacts]
      .sort((a, b) => ORDER[a.status] - ORDER[b.status] || PRESENCE[a.presence] - PRESENCE[b.presence] || a.displayName.localeCompare(b.displayName))
      .map((c) => new ContactItem(c));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this._onDidChangeTreeData.dispose();
  }
}
