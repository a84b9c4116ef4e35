import assert from 'assert';
import { AssistanceSession, SessionError } from '../../src/session/AssistanceSession';
import { SessionTexts } from '../../src/session/SessionTexts';
import type { ChatEntry } from '../../src/protocol/webview';

function make(role: 'sharer' | 'helper', sink: ChatEntry[] = []) {
  let t = 1000;
  return new AssistanceSession({ sessionId: 's1', role, peerName: role === 'helper' ? 'Alice' : 'Bob', sink: { append: (e) => sink.push(e) }, now: () => t++ });
}

function statuses(s: AssistanceSession): string[] {
  return s.history.filter((e) => e.kind === 'status').map((e) => e.text);
}

function connected(role: 'sharer' | 'helper') {
  const s = make(role);
  s.consentGiven();
  s.peerConnected();
  return s;
}

function assertRefused(fn: () => void, code: 'ERR_ILLEGAL_TRANSITION' | 'ERR_SESSION_ENDED' | 'ERR_BAD_CHAT') {
  assert.throws(fn, (e: unknown) => e instanceof SessionError && e.code === code);
}

describe('AssistanceSession', () => {
  describe('texts', () => {
    it('are exactly the product owner\'s sentences', () => {
      assert.strictEqual(SessionTexts.invitationToast('Alice'), 'Alice is inviting you to start using Remote Assistance. Do you want to Accept (Alt+T) or Decline (Alt+D) the invitation?');
      assert.strictEqual(SessionTexts.invitationAccepted('Alice'), 'You have accepted the invitation from Alice to start using Remote Assistance.');
      assert.strictEqual(SessionTexts.connected('Alice'), 'Connected to Alice.');
      assert.strictEqual(SessionTexts.disconnected('Alice'), 'Disconnected from Alice.');
      assert.strictEqual(SessionTexts.screenViewOnly, 'Screen View Only');
      assert.strictEqual(SessionTexts.controlNotAllowed, 'Remote Control of this computer is not allowed.');
    });
  });

  describe('phases', () => {
    it('helper: accepted → waiting → connecting → connected → disconnected, with the history lines', () => {
      const sink: ChatEntry[] = [];
      const s = make('helper', sink);
      assert.strictEqual(s.phase, 'consent');
      assert.deepStrictEqual(statuses(s), ['You have accepted the invitation from Alice to start using Remote Assistance.']);
      assert.strictEqual(s.statusLine, 'Waiting for Alice to let you view the screen…');
      s.consentGiven();
      assert.strictEqual(s.phase, 'connecting');
      assert.strictEqual(s.statusLine, 'Connecting to Alice…');
      s.peerConnected();
      assert.strictEqual(s.phase, 'connected');
      assert.strictEqual(s.statusLine, 'Connected to Alice.');
      s.end('me');
      assert.strictEqual(s.phase, 'ended');
      assert.strictEqual(s.statusLine, 'Disconnected from Alice.');
      assert.deepStrictEqual(statuses(s), [
        'You have accepted the invitation from Alice to start using Remote Assistance.',
        'Connected to Alice.',
        'Screen View Only',
        'Disconnected from Alice.',
      ]);
      assert.deepStrictEqual(sink, s.history, 'every line reaches the log as it happens');
    });

    it('sharer: consent Yes → connecting → connected; the peer disconnecting ends it', () => {
      const s = make('sharer');
      assert.deepStrictEqual(statuses(s), []);
      assert.match(s.statusLine, /Bob has accepted your invitation/);
      s.consentGiven();
      s.peerConnected();
      s.end('peer');
      assert.deepStrictEqual(statuses(s), [
        'You allowed Bob to view your screen and chat with you.',
        'Connected to Bob.',
        'Screen View Only',
        'Disconnected from Bob.',
      ]);
    });

    it('sharer: consent No ends the session before anything is shared', () => {
      const s = make('sharer');
      s.consentRefused();
      assert.strictEqual(s.phase, 'ended');
      assert.deepStrictEqual(statuses(s), ['You did not allow Bob to view your screen.']);
    });

    it('helper: the sharer ending during consent reads as a refusal', () => {
      const s = make('helper');
      s.end('peer');
      assert.strictEqual(s.statusLine, 'Alice did not allow the connection.');
      assert.deepStrictEqual(statuses(s).slice(1), ['Alice did not allow the connection.', 'Disconnected from Alice.']);
    });

    it('says what failed before "Disconnected"', () => {
      const s = connected('sharer');
      s.end('error', 'Screen sharing stopped: no X display');
      assert.deepStrictEqual(statuses(s).slice(-2), ['Screen sharing stopped: no X display', 'Disconnected from Bob.']);
    });

    it('ends from consent, connecting and connected', () => {
      for (const steps of [[], ['consentGiven'], ['consentGiven', 'peerConnected']] as const) {
        const s = make('sharer');
        for (const step of steps) s[step]();
        s.end('error');
        assert.strictEqual(s.phase, 'ended');
      }
    });

    it('refuses every illegal phase transition', () => {
      const s = make('helper');
      assertRefused(() => s.peerConnected(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.consentRefused(), 'ERR_ILLEGAL_TRANSITION');
      s.consentGiven();
      assertRefused(() => s.consentGiven(), 'ERR_ILLEGAL_TRANSITION');
      s.peerConnected();
      assertRefused(() => s.peerConnected(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.consentGiven(), 'ERR_ILLEGAL_TRANSITION');
      const sharer = make('sharer');
      sharer.consentGiven();
      assertRefused(() => sharer.consentRefused(), 'ERR_ILLEGAL_TRANSITION');
    });

    it('refuses everything once ended, and changes nothing', () => {
      const s = connected('helper');
      s.end('peer');
      const before = s.history.length;
      assertRefused(() => s.end('me'), 'ERR_SESSION_ENDED');
      assertRefused(() => s.consentGiven(), 'ERR_SESSION_ENDED');
      assertRefused(() => s.peerConnected(), 'ERR_SESSION_ENDED');
      assertRefused(() => s.requestControl(), 'ERR_SESSION_ENDED');
      assertRefused(() => s.grantControl(), 'ERR_SESSION_ENDED');
      assertRefused(() => s.refuseControl('declined'), 'ERR_SESSION_ENDED');
      assertRefused(() => s.chat('me', 'hi', 'Bob'), 'ERR_ILLEGAL_TRANSITION');
      assert.strictEqual(s.history.length, before);
      assert.strictEqual(s.phase, 'ended');
    });

    it('fires onDidChange with the view on every change', () => {
      const s = make('helper');
      const seen: string[] = [];
      s.onDidChange((v) => seen.push(`${v.phase}/${v.control}`));
      s.consentGiven();
      s.peerConnected();
      s.requestControl();
      s.grantControl();
      s.endControl('escape');
      s.end('me');
      assert.deepStrictEqual(seen, ['connecting/viewOnly', 'connected/viewOnly', 'connected/requested', 'connected/granted', 'connected/viewOnly', 'ended/viewOnly']);
    });
  });

  describe('control', () => {
    it('helper: request → granted → ESC on the sharer\'s machine → Screen View Only', () => {
      const s = connected('helper');
      s.requestControl();
      assert.strictEqual(s.control, 'requested');
      s.grantControl();
      assert.strictEqual(s.control, 'granted');
      s.endControl('escape');
      assert.strictEqual(s.control, 'viewOnly');
      assert.deepStrictEqual(statuses(s).slice(3), [
        'Waiting for Alice to allow you to take control…',
        'Alice has allowed you to share control. Click the remote desktop to type; Alice can stop it with ESC.',
        'It is recommended that the remote user does not use the mouse while you control the computer.',
        'Alice pressed ESC: control ended.',
        'Screen View Only',
      ]);
    });

    it('helper sees "Remote Control of this computer is not allowed." when the sharer\'s setting is off', () => {
      const s = connected('helper');
      s.requestControl();
      s.refuseControl('notAllowed');
      assert.strictEqual(s.control, 'viewOnly');
      assert.strictEqual(statuses(s).at(-1), 'Remote Control of this computer is not allowed.');
    });

    it('sharer records who is in control and how it ended', () => {
      const s = connected('sharer');
      s.requestControl();
      s.refuseControl('declined');
      assert.strictEqual(statuses(s).at(-1), 'You did not allow Bob to take control.');
      s.requestControl();
      s.refuseControl('notAllowed');
      assert.match(statuses(s).at(-1)!, /^Bob asked to take control\. Remote Control of this computer is not allowed/);
      s.requestControl();
      s.grantControl();
      assert.strictEqual(statuses(s).at(-1), 'Bob is sharing control of your computer. Press ESC or choose Stop Control to stop.');
      s.endControl('me');
      assert.deepStrictEqual(statuses(s).slice(-2), ['You stopped control.', 'Screen View Only']);
      s.requestControl();
      s.grantControl();
      s.endControl('peer');
      assert.strictEqual(statuses(s).at(-2), 'Bob stopped control.');
    });

    it('refuses every illegal control transition', () => {
      const early = make('helper');
      assertRefused(() => early.requestControl(), 'ERR_ILLEGAL_TRANSITION');
      early.consentGiven();
      assertRefused(() => early.requestControl(), 'ERR_ILLEGAL_TRANSITION');
      const s = connected('sharer');
      assertRefused(() => s.grantControl(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.refuseControl('declined'), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.endControl('me'), 'ERR_ILLEGAL_TRANSITION');
      s.requestControl();
      assertRefused(() => s.requestControl(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.endControl('escape'), 'ERR_ILLEGAL_TRANSITION');
      s.grantControl();
      assertRefused(() => s.grantControl(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.requestControl(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.refuseControl('notAllowed'), 'ERR_ILLEGAL_TRANSITION');
      assert.strictEqual(s.control, 'granted');
    });

    it('disconnecting while in control drops control', () => {
      const s = connected('sharer');
      s.requestControl();
      s.grantControl();
      s.end('me');
      assert.strictEqual(s.control, 'viewOnly');
    });
  });

  describe('reconnecting', () => {
    it('a drop says "Connection lost. Reconnecting…", takes control back, and "Connected to Alice." again on recovery', () => {
      const s = connected('helper');
      s.requestControl();
      s.grantControl();
      s.chat('me', 'before the drop', 'Bob');
      s.connectionLost();
      assert.strictEqual(s.phase, 'reconnecting');
      assert.strictEqual(s.control, 'viewOnly');
      assert.strictEqual(s.statusLine, 'Connection lost. Reconnecting…');
      assert.deepStrictEqual(statuses(s).slice(-2), ['Connection lost. Reconnecting…', 'Control ended: the connection was lost. Take Control again once reconnected.']);
      assertRefused(() => s.requestControl(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.chat('me', 'during', 'Bob'), 'ERR_ILLEGAL_TRANSITION');
      s.reconnected();
      assert.strictEqual(s.phase, 'connected');
      assert.strictEqual(s.statusLine, 'Connected to Alice.');
      assert.deepStrictEqual(statuses(s).slice(-2), ['Connected to Alice.', 'Screen View Only']);
      assert.ok(s.history.some((e) => e.kind === 'message' && e.text === 'before the drop'), 'history kept');
      // Control needs a new grant.
      s.requestControl();
      assert.strictEqual(s.control, 'requested');
    });

    it('ends from reconnecting with "Disconnected from Alice." and refuses illegal edges', () => {
      const s = connected('helper');
      s.connectionLost();
      assertRefused(() => s.connectionLost(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.peerConnected(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => s.consentGiven(), 'ERR_ILLEGAL_TRANSITION');
      s.end('error');
      assert.strictEqual(s.statusLine, 'Disconnected from Alice.');
      assertRefused(() => s.reconnected(), 'ERR_SESSION_ENDED');
      const early = make('sharer');
      assertRefused(() => early.connectionLost(), 'ERR_ILLEGAL_TRANSITION');
      early.consentGiven();
      assertRefused(() => early.connectionLost(), 'ERR_ILLEGAL_TRANSITION');
      assertRefused(() => early.reconnected(), 'ERR_ILLEGAL_TRANSITION');
    });
  });

  describe('chat', () => {
    it('records messages from both sides while connected, trimmed', () => {
      const s = connected('helper');
      s.chat('me', '  hello  ', 'Bob');
      s.chat('peer', 'hi Bob', 'Bob');
      const messages = s.history.filter((e) => e.kind === 'message');
      assert.deepStrictEqual(
        messages.map((m) => m.kind === 'message' && [m.from, m.author, m.text]),
        [
          ['me', 'Bob', 'hello'],
          ['peer', 'Alice', 'hi Bob'],
        ],
      );
    });

    it('refuses empty, oversized and not-connected chat and changes nothing', () => {
      const s = make('helper');
      assertRefused(() => s.chat('me', 'early', 'Bob'), 'ERR_ILLEGAL_TRANSITION');
      s.consentGiven();
      s.peerConnected();
      const before = s.history.length;
      assertRefused(() => s.chat('me', '   ', 'Bob'), 'ERR_BAD_CHAT');
      assertRefused(() => s.chat('peer', 'x'.repeat(4001), 'Bob'), 'ERR_BAD_CHAT');
      assert.strictEqual(s.history.length, before);
    });

    it('shows restored history first', () => {
      const restored: ChatEntry[] = [{ kind: 'message', from: 'peer', author: 'Alice', text: 'earlier', at: 1 }];
      const s = new AssistanceSession({ sessionId: 's', role: 'helper', peerName: 'Alice', restored });
      assert.deepStrictEqual(s.history[0], restored[0]);
    });
  });

  describe('the sharer stays in charge', () => {
    it('a timed grant records when it ends, and its end reads the same on both sides', () => {
      for (const role of ['sharer', 'helper'] as const) {
        const s = connected(role);
        s.requestControl();
        s.grantControl();
        s.setControlLimit(15 * 60_000);
        assert.strictEqual(statuses(s).at(-1), 'Control ends by itself in 15 minutes.');
        assert.ok(s.controlEndsAt !== undefined && s.view.controlEndsAt === s.controlEndsAt);
        s.endControl('expired');
        assert.deepStrictEqual(statuses(s).slice(-2), ['The time allowed for control ran out: control ended.', 'Screen View Only']);
        assert.strictEqual(s.controlEndsAt, undefined);
        assertRefused(() => s.setControlLimit(1000), 'ERR_ILLEGAL_TRANSITION');
      }
    });

    it('refusals by the host and unanswered questions end the request with a line on each side', () => {
      const helper = connected('helper');
      const sharer = connected('sharer');
      for (const [why, helperLine, sharerLine] of [
        ['unavailable', 'Alice\'s computer cannot be controlled remotely (view only).', 'Bob asked to take control, but this computer cannot be controlled remotely: no XTEST'],
        ['timedOut', 'Alice did not answer your request to take control in time.', 'You did not answer Bob\'s request to take control in time; it was refused.'],
      ] as const) {
        helper.requestControl();
        sharer.requestControl();
        helper.refuseControl(why);
        sharer.refuseControl(why, 'no XTEST');
        assert.strictEqual(statuses(helper).at(-1), helperLine);
        assert.strictEqual(statuses(sharer).at(-1), sharerLine);
        assert.strictEqual(helper.control, 'viewOnly');
      }
    });

    it('an unanswered consent question ends the session and says so, not "did not allow"', () => {
      const helper = make('helper');
      helper.consentTimedOut();
      assert.strictEqual(helper.phase, 'ended');
      assert.deepStrictEqual(statuses(helper).slice(1), ['Alice did not answer in time.', 'Disconnected from Alice.']);
      assert.strictEqual(helper.statusLine, 'Alice did not answer in time.');
      assertRefused(() => connected('sharer').consentTimedOut(), 'ERR_ILLEGAL_TRANSITION');
    });

    it('pause and resume are recorded once each; the panic key ends control', () => {
      const helper = connected('helper');
      helper.setPaused(true);
      helper.setPaused(true);
      helper.setPaused(false);
      assert.deepStrictEqual(statuses(helper).slice(-2), ['Alice paused sharing.', 'Alice resumed sharing.']);
      helper.requestControl();
      helper.grantControl();
      helper.endControl('panic');
      assert.strictEqual(statuses(helper).at(-2), 'Alice ended control with the panic key.');
    });

    it('says on both sides when a Windows security prompt hides the screen, and when it is back', () => {
      const helper = connected('helper');
      helper.setScreenHidden(true);
      helper.setScreenHidden(true);
      assert.strictEqual(helper.view.statusLine, "Alice's screen is hidden by a Windows security prompt (User Account Control). It comes back when the prompt is answered.");
      helper.setScreenHidden(false);
      assert.strictEqual(helper.view.statusLine, 'Connected to Alice.');
      assert.deepStrictEqual(statuses(helper).slice(-2), [
        "Alice's screen is hidden by a Windows security prompt (User Account Control). It comes back when the prompt is answered.",
        "Alice's screen is back.",
      ]);
      const sharer = connected('sharer');
      sharer.setScreenHidden(true);
      assert.ok(sharer.screenHidden && sharer.view.screenHidden, 'the sharer\'s status bar shows it from the view');
      assert.strictEqual(statuses(sharer).at(-1), 'Your screen is hidden from Bob by a Windows security prompt (User Account Control). It comes back when the prompt is answered.');
      sharer.end('me');
      assertRefused(() => sharer.setScreenHidden(false), 'ERR_ILLEGAL_TRANSITION');
    });

    it('keeps the verification code in the view, and refuses it once ended', () => {
      const s = connected('sharer');
      s.setVerificationCode('123 456');
      assert.strictEqual(s.view.verificationCode, '123 456');
      s.end('me');
      assertRefused(() => s.setVerificationCode('654 321'), 'ERR_SESSION_ENDED');
    });
  });
});
