/**
 * macOS privacy permissions the sharer's side needs: Screen Recording to capture, Accessibility to apply the
 * helper's input. macOS attributes them to the app that started the host process (VS Code), and reports them
 * through @nut-tree-fork/node-mac-permissions (libnut's own optional dependency, prebuilt for x64 and arm64).
 * Written and unit-tested for its decisions here; not run on a real Mac.
 */
import { HostError } from '../HostError';

export type MacPermission = 'screen' | 'accessibility';
/** What node-mac-permissions' getAuthStatus answers. */
export type AuthStatus = 'authorized' | 'denied' | 'restricted' | 'not determined';

export interface MacPermissions {
  getAuthStatus(type: MacPermission): AuthStatus;
  askForScreenCaptureAccess(): void;
  askForAccessibilityAccess(): void;
}

/** The System Settings page for each permission (Privacy & Security), as x-apple.systempreferences URLs. */
export const SETTINGS_URL: Readonly<Record<MacPermission, string>> = {
  screen: 'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture',
  accessibility: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility',
};

const CODE = { screen: 'ERR_PERMISSION_SCREEN_RECORDING', accessibility: 'ERR_PERMISSION_ACCESSIBILITY' } as const;

/** The page a permission error code points to (the extension offers a button for it), if it is one. */
export function settingsUrlFor(code: string): string | undefined {
  const entry = Object.entries(CODE).find(([, c]) => c === code);
  return entry ? SETTINGS_URL[entry[0] as MacPermission] : undefined;
}

/** Why sharing (or control) cannot go on, or undefined when the permission is granted. */
export function permissionProblem(permission: MacPermission, status: AuthStatus): HostError | undefined {
  if (status === 'authorized') return undefined;
  const [what, page] = permission === 'screen' ? ['share your screen', 'Screen Recording'] : ['let a helper control this Mac', 'Accessibility'];
  const how =
    status === 'restricted'
      ? `Your administrator does not allow ${page} for VS Code on this Mac.`
      : `Open System Settings › Privacy & Security › ${page}, turn on Visual Studio Code, then quit and reopen VS Code.`;
  return new HostError(CODE[permission], `To ${what}, VS Code needs the ${page} permission. ${how}`);
}

/**
 * Checks one permission; when it was never asked, asks macOS to show its own prompt (once) as well. Where the
 * module does not load (not macOS, or a build without it), the system's own checks apply.
 */
export function checkMacPermission(permission: MacPermission, load: () => MacPermissions | undefined = loadMacPermissions): HostError | undefined {
  const mac = load();
  if (!mac) return undefined;
  const status = mac.getAuthStatus(permission);
  if (status === 'not determined') {
    if (permission === 'screen') mac.askForScreenCaptureAccess();
    else mac.askForAccessibilityAccess();
  }
  return permissionProblem(permission, status);
}

function loadMacPermissions(): MacPermissions | undefined {
  // by a computed name: installed (with libnut-darwin) only on macOS, so the bundle leaves it outside
  const name = '@nut-tree-fork/node-mac-permissions';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as MacPermissions;
  } catch {
    return undefined;
  }
}
