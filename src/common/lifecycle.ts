/**
 * Disposables and typed events in VS Code's shape, without importing `vscode`, so the extension, the
 * host process, the server and the webviews share one implementation.
 */

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

/** Holds disposables and disposes them together, last registered first. */
export class DisposableStore implements IDisposable {
  private items: IDisposable[] = [];
  private disposed = false;

  add<D extends IDisposable>(item: D): D {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }
}

/** Base class that disposes everything it registered, newest first. */
export class Disposable implements IDisposable {
  private readonly owned = new DisposableStore();
  protected isDisposed = false;

  protected register<T extends IDisposable>(value: T): T {
    return this.owned.add(value);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.owned.dispose();
  }
}

/** Wraps a teardown function as a disposable that runs it once. */
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
