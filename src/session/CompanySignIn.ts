/**
 * Company sign-in as the extension runs it, without VS Code's API (the commands in src/views give it a
 * browser, a progress notification and the URI handler): a nonce from the server, the identity provider's
 * ID token through the browser (code + PKCE) or a code on another device (device flow), and the server's
 * device token, kept like any other.
 */
import { AuthorizationCallbacks } from '../network/oidc/AuthorizationCallbacks';
import { CompanyIdentityProvider, type DeviceAuthorization } from '../network/oidc/CompanyIdentityProvider';
import type { AssistanceNetwork } from './AssistanceNetwork';

/** How long a browser sign-in waits for the browser to come back. */
export const BROWSER_TIMEOUT_MS = 10 * 60_000;

export class CompanySignIn {
  readonly callbacks = new AuthorizationCallbacks();

  constructor(private readonly network: AssistanceNetwork) {}

  /** The server's identity provider, with a fresh nonce from the server. */
  async provider(serverUrl: string): Promise<CompanyIdentityProvider> {
    return CompanyIdentityProvider.discover(await this.network.oidcChallenge(serverUrl));
  }

  /** Authorization code with PKCE: `openBrowser` shows the provider's page; its answer comes through the URI handler (callbacks.deliver). */
  async withBrowser(serverUrl: string, idp: CompanyIdentityProvider, redirectUri: string, openBrowser: (url: string) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
    const pending = await idp.startAuthorization(redirectUri);
    const stop = new AbortController();
    signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const answer = this.callbacks.wait(pending.state, BROWSER_TIMEOUT_MS, stop.signal);
    answer.catch(() => undefined); // awaited below; a browser that cannot open leaves nobody to wait
    try {
      await openBrowser(pending.url.href);
    } catch (err) {
      stop.abort();
      throw err;
    }
    const idToken = await idp.finishAuthorization(pending, await answer);
    await this.network.signInWithIdToken(serverUrl, idToken);
  }

  /** Device-code flow: `show` tells the person where to enter which code; resolves once they did and the server signed this device in. */
  async withDeviceCode(serverUrl: string, idp: CompanyIdentityProvider, show: (device: DeviceAuthorization) => void, signal?: AbortSignal): Promise<void> {
    const device = await idp.startDeviceFlow();
    show(device);
    const idToken = await device.idToken(signal);
    await this.network.signInWithIdToken(serverUrl, idToken);
  }

  dispose(): void {
    this.callbacks.dispose();
  }
}
