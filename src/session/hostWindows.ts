/** Asks the host process for its top-level windows (the sharer picks one to share or to control). */
import type { HostSupervisor } from '../supervisor/HostSupervisor';
import type { WindowInfo } from '../protocol/host';

/** The host could not list its windows: too slow, or not supported on this system. */
export class WindowListError extends Error {
  constructor(
    readonly code: 'ERR_HOST_TIMEOUT' | 'ERR_PLATFORM_UNSUPPORTED',
    message: string,
  ) {
    super(message);
    this.name = 'WindowListError';
  }
}

/** How long the host may take to list its windows. */
const LIST_TIMEOUT_MS = 5000;

export function listHostWindows(host: HostSupervisor, timeoutMs = LIST_TIMEOUT_MS): Promise<WindowInfo[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      done.dispose();
      failed.dispose();
      reject(new WindowListError('ERR_HOST_TIMEOUT', 'The screen sharing process did not list its windows in time.'));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      done.dispose();
      failed.dispose();
    };
    const done = host.onWindows((windows) => {
      finish();
      resolve(windows);
    });
    // Listing is not supported here (Windows, macOS): the host says so instead of answering.
    const failed = host.onError((e) => {
      if (e.code !== 'ERR_PLATFORM_UNSUPPORTED') return;
      finish();
      reject(new WindowListError('ERR_PLATFORM_UNSUPPORTED', e.message));
    });
    host.listWindows();
  });
}
