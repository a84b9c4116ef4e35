/**
 * The user's own presence (Online, Away, Busy, Appear Offline) in the status bar while signed in; clicking it,
 * or "Set Presence…" in the Contacts view, picks another one. The server carries it to contacts.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../common/lifecycle';
import type { NetworkClient } from '../network/NetworkClient';
import type { ChosenPresence } from '../protocol/network';

const PRESENCE_CHOICES: readonly { status: ChosenPresence; label: string; icon: string; detail: string }[] = [
  { status: 'online', label: 'Online', icon: 'circle-filled', detail: 'Contacts see you online and can ask you for help.' },
  { status: 'away', label: 'Away', icon: 'clock', detail: 'Contacts see you away; they can still ask you for help.' },
  { status: 'busy', label: 'Busy', icon: 'circle-slash', detail: 'Contacts see you busy; they can still ask you for help.' },
  { status: 'appearOffline', label: 'Appear Offline', icon: 'circle-outline', detail: 'Contacts see you offline and cannot ask you for help; answers to your own invitations still reach you.' },
];

export class PresenceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('remoteAssist.presence', vscode.StatusBarAlignment.Left, 99);
  private readonly store = new DisposableStore();

  constructor(private readonly client: NetworkClient) {
    this.item.name = 'Remote Assist Presence';
    this.item.command = 'remoteAssist.setPresence';
    this.store.add(client.onDidChangeConnectionState(() => this.render()));
    this.render();
  }

  /** Asks which presence to show and sets it on the server; nothing changes if the server refuses. */
  async choose(): Promise<void> {
    const current = this.client.presence;
    const picked = await vscode.window.showQuickPick(
      PRESENCE_CHOICES.map((c) => ({ label: `$(${c.icon}) ${c.label}`, description: c.status === current ? 'current' : undefined, detail: c.detail, status: c.status })),
      { title: 'Set Presence', placeHolder: 'How do your contacts see you?' },
    );
    if (!picked || picked.status === current) return;
    await this.client.setPresence(picked.status);
    this.render();
  }

  private render(): void {
    if (this.client.connectionState !== 'signedIn') {
      this.item.hide();
      return;
    }
    const choice = PRESENCE_CHOICES.find((c) => c.status === this.client.presence) ?? PRESENCE_CHOICES[0];
    this.item.text = `$(${choice.icon}) ${choice.label}`;
    this.item.tooltip = `Remote Assist: you appear ${choice.label.replace('Appear ', '').toLowerCase()} to your contacts. Click to change.`;
    this.item.accessibilityInformation = { label: `Presence: ${choice.label}. Click to change.` };
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
    this.item.dispose();
  }
}
