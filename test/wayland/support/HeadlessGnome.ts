/**
 * A private headless GNOME desktop for the Wayland tests: its own session bus (dbus-daemon), PipeWire and
 * WirePlumber, mutter --headless with one virtual monitor, and — activated on the bus when first asked —
 * xdg-desktop-portal with its GNOME backend, which shows the real consent dialog. Everything runs with a
 * private HOME and XDG_RUNTIME_DIR and is killed by stop(), process group by process group.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { until } from '../../host/support/poll';

export class HeadlessGnome {
  private readonly children: ChildProcess[] = [];
  readonly runtimeDir: string;
  readonly home: string;
  private busAddress = '';

  private constructor(
    private readonly root: string,
    /** The Wayland socket's name in the runtime dir. */
    readonly socket: string,
    readonly width: number,
    readonly height: number,
  ) {
    this.runtimeDir = path.join(root, 'run');
    this.home = path.join(root, 'home');
    mkdirSync(this.runtimeDir, { mode: 0o700 });
    mkdirSync(this.home);
  }

  /**
   * `name` prefixes the Wayland socket (one per test file, so parallel runs never meet). `compositor`: mutter
   * alone, or GNOME Shell on it — whose Introspect API is where the portal's dialog finds windows to offer.
   */
  static async start(name: string, width = 1280, height = 720, compositor: 'mutter' | 'gnome-shell' = 'mutter'): Promise<HeadlessGnome> {
    const gnome = new HeadlessGnome(mkdtempSync(path.join(tmpdir(), `ra-${name}-`)), `wayland-ra-${name}`, width, height);
    try {
      await gnome.boot(compositor);
      return gnome;
    } catch (err) {
      await gnome.stop();
      throw err;
    }
  }

  /** What a process of this desktop sees: the Wayland session, its bus, its PipeWire; no X display. */
  get env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: this.home,
      XDG_RUNTIME_DIR: this.runtimeDir,
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XDG_DATA_HOME: path.join(this.home, '.local', 'share'),
      XDG_STATE_HOME: path.join(this.home, '.local', 'state'),
      XDG_CURRENT_DESKTOP: 'GNOME',
      XDG_SESSION_TYPE: 'wayland',
      WAYLAND_DISPLAY: this.socket,
      GDK_BACKEND: 'wayland',
      DBUS_SESSION_BUS_ADDRESS: this.busAddress,
      // GNOME Shell asks logind on the system bus; there is none to ask here, and the session bus answers "no such name".
      DBUS_SYSTEM_BUS_ADDRESS: this.busAddress,
    };
    delete env.DISPLAY;
    return env;
  }

  /** Starts a process in this desktop (a Wayland client); it is killed by stop(). */
  spawn(command: string, args: string[], stdout: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
    const child = spawn(command, args, { env: this.env, stdio: ['ignore', stdout, 'pipe'], detached: true });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => process.env.RA_DEBUG && process.stderr.write(`[${command}] ${text}`));
    this.children.push(child);
    return child;
  }

  /**
   * The arguments of every process of `command` running in this desktop (its XDG_RUNTIME_DIR), read from /proc:
   * which PipeWire connection a host's stream reader is on shows in them (`fd=3`: the portal's own).
   */
  processes(command: string): string[][] {
    const mine = `XDG_RUNTIME_DIR=${this.runtimeDir}`;
    const found: string[][] = [];
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (path.basename(args[0] ?? '') !== command) continue;
        if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(mine)) found.push(args);
      } catch {
        // gone meanwhile
      }
    }
    return found;
  }

  async stop(): Promise<void> {
    // Newest first: clients, mutter, PipeWire, then the bus (the portal processes it activated share its group).
    for (const child of this.children.reverse()) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        continue;
      }
      await exited;
    }
    // xdg-document-portal (activated with the portal) mounts a FUSE file system in the runtime dir.
    spawnSync('fusermount3', ['-u', '-z', path.join(this.runtimeDir, 'doc')], { stdio: 'ignore' });
    rmSync(this.root, { recursive: true, force: true });
  }

  private async boot(compositor: 'mutter' | 'gnome-shell'): Promise<void> {
    const addressFile = path.join(this.root, 'bus-address');
    // The bus runs in the foreground (a child we can kill); services it activates inherit this environment.
    const bus = spawn('sh', ['-c', `exec dbus-daemon --session --nofork --nopidfile --print-address=1 > '${addressFile}'`], { env: this.env, stdio: 'ignore', detached: true });
    this.children.push(bus);
    this.busAddress = await until('the session bus', () => (existsSync(addressFile) && readFileSync(addressFile, 'utf8').trim()) || undefined, 10_000);
    this.spawn('pipewire', []);
    this.spawn('wireplumber', []);
    await until('PipeWire', () => existsSync(path.join(this.runtimeDir, 'pipewire-0')), 10_000);
    this.spawn(compositor, ['--headless', '--no-x11', '--virtual-monitor', `${this.width}x${this.height}`, '--wayland-display', this.socket]);
    await until('mutter', () => existsSync(path.join(this.runtimeDir, this.socket)), 20_000);
  }
}
