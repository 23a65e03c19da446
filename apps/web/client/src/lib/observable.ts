/** A value holder React components read with `useSyncExternalStore`. */
export class Observable {
  private readonly listeners = new Set<() => void>();
  /** Bumped on every change: the snapshot React compares. */
  version = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getVersion = (): number => this.version;

  protected changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
