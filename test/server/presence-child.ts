/** A second process holding one signed-in client, so a test can freeze it (SIGSTOP) like a dead laptop. */
import { NetworkClient } from '../../src/network/NetworkClient';

const [url, token] = process.argv.slice(2);
const client = new NetworkClient();
client.connect(url, { token }).then(
  () => process.stdout.write('signed-in\n'),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
