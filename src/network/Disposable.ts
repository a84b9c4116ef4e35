/** Disposables and typed events in VS Code's shape, usable outside the extension host (server, tests). */

/** Anything that holds a resource to release; structurally compatible with vscode.Disposable. */
export interface IDisposable {
  dispose(): void;
}

/** A subscription function, as `vscode.Event<T>`: returns the disposable that unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

/** Fires typed events to listeners; a throwing listener does not stop the others. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Base class that disposes everything it registered, newest first. */
export class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  protected isDisposed = false;

  protected register<T extends IDisposable>(value: T): T {
    if (this.isDisposed) {
      value.dispose();
    } else {
      this.owned.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const value of this.owned.splice(0).reverse()) value.dispose();
  }
}

/** Wraps a teardown function as a disposable. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}
