/** SHA-256 with Node's crypto (native, incremental). */
import { createHash } from 'crypto';
import type { Hasher } from './ByteStreams';

export function createNodeHasher(): Hasher {
  const hash = createHash('sha256');
  return {
    update: (bytes) => void hash.update(bytes),
    digestHex: () => hash.digest('hex'),
  };
}
