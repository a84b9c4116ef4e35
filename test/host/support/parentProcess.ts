/**
 * Stands in for the extension host in the "parent dies" test: runs a HostSupervisor, consents to every
 * control request, and relays signals and events as JSON lines on stdio so the test can kill it.
 * Usage: node -r tsx/cjs parentProcess.ts <hostScript>
 */
import { createInterface } from 'readline';
import { HostSupervisor } from '../../../src/supervisor/HostSupervisor';

const out = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const supervisor = new HostSupervisor({ hostScript: process.argv[2], env: process.env });
supervisor.onSignal((payload) => out({ signal: payload }));
supervisor.onConnected(() => out({ connected: true }));
supervisor.onControlRequested(() => supervisor.grantControl());
supervisor.onControl((control) => out({ control }));
supervisor.onError((error) => out({ error }));
createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as { signal?: Record<string, unknown> };
  if (message.signal) supervisor.signal(message.signal);
});
supervisor.start({ quality: { maxKbps: 2000, fps: 15, scale: 1 } });
out({ hostPid: supervisor.pid });
