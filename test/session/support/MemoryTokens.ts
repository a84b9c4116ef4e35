import type { TokenStore } from '../../../src/session/AssistanceNetwork';

/** Tokens kept in memory, per server address: SecretStorage's contract without VS Code. */
export class MemoryTokens implements TokenStore {
  readonly map = new Map<string, string>();
  async get(url: string) {
    return this.map.get(url);
  }
  async store(url: string, token: string) {
    this.map.set(url, token);
  }
  async delete(url: string) {
    this.map.delete(url);
  }
}
