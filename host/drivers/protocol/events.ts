/** A minimal typed event emitter (listeners run synchronously, in registration order). */
export type EventMap = Record<string, unknown[]>;

export class Emitter<M extends EventMap> {
  private readonly listeners: { [K in keyof M]?: ((...args: M[K]) => void)[] } = {};

  on<K extends keyof M>(event: K, fn: (...args: M[K]) => void): this {
    (this.listeners[event] ??= []).push(fn);
    return this;
  }

  off<K extends keyof M>(event: K, fn: (...args: M[K]) => void): this {
    const l = this.listeners[event];
    if (l !== undefined) this.listeners[event] = l.filter((f) => f !== fn);
    return this;
  }

  protected emit<K extends keyof M>(event: K, ...args: M[K]): void {
    for (const fn of this.listeners[event] ?? []) fn(...args);
  }
}
