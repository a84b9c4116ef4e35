/**
 * A real OpenID provider for tests (the oidc-provider package, with its development login and consent pages),
 * on loopback, and a small user agent that signs in through those pages as a person would in a browser.
 */
import type { AddressInfo } from 'net';
import { createServer, type Server } from 'http';
import Provider from 'oidc-provider';
import { freePort } from './support';

export const REDIRECT_URI = 'vscode://remote-assist.remote-assist/oidc';

/** People the provider knows: the login typed on its page is the subject. */
export const PEOPLE: Record<string, { preferred_username?: string; email?: string; name?: string }> = {
  'sub-alice': { preferred_username: 'alice', email: 'alice@example.com', name: 'Alice Liddell' },
  'sub-bob': { email: 'Bob.Builder@example.com', name: 'Bob Builder' },
  'sub-mallory': { preferred_username: 'mallory', name: 'Mallory' },
  'sub-carol': { preferred_username: 'carol@example.com', name: 'Carol from the company' },
};

export interface TestProvider {
  issuer: string;
  /** Lifetime of the ID tokens it issues from now on (seconds). */
  idTokenTtlS: number;
  close(): Promise<void>;
}

export async function startProvider(clientIds: string[]): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const state = { idTokenTtlS: 3600 };
  const provider = new Provider(issuer, {
    clients: clientIds.map((client_id) => ({
      client_id,
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
    })),
    findAccount: (_ctx, sub) => (PEOPLE[sub] ? { accountId: sub, claims: () => ({ sub, ...PEOPLE[sub] }) } : undefined),
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    // the ID token carries the profile claims the server makes the account from
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    ttl: { IdToken: () => state.idTokenTtlS, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600, DeviceCode: 600 },
    cookies: { keys: ['remote-assist-test'] },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get idTokenTtlS() {
      return state.idTokenTtlS;
    },
    set idTokenTtlS(s: number) {
      state.idTokenTtlS = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * A person at a browser: follows redirects with cookies, fills each form it is shown (the login form with
 * `login`, consent and device-code confirmation as they are), and stops at the first address outside the
 * provider (the redirect back to VS Code) or at a page without a form.
 */
export async function signInAtBrowser(start: string, login: string, extra: Record<string, string> = {}): Promise<{ stoppedAt: string; page: string }> {
  const cookies = new Map<string, string>();
  const origin = new URL(start).origin;
  let url = start;
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    body = undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url).href;
      if (!next.startsWith(origin)) return { stoppedAt: next, page: '' };
      url = next;
      continue;
    }
    const page = await response.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page);
    if (!form) return { stoppedAt: url, page };
    const fields = new URLSearchParams();
    for (const input of form[2].matchAll(/<input([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1])?.[1];
      if (name) fields.set(name, decode(/value="([^"]*)"/.exec(input[1])?.[1] ?? ''));
    }
    if (fields.has('login')) {
      fields.set('login', login);
      fields.set('password', 'any');
    }
    for (const [k, v] of Object.entries(extra)) if (fields.has(k)) fields.set(k, v);
    url = new URL(decode(form[1]), url).href;
    body = fields;
  }
  throw new Error(`the sign-in at ${start} did not finish in 20 steps (at ${url})`);
}
