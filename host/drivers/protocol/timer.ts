/** A restartable one-shot timer on a Clock. */
import type { Clock, TimerHandle } from './clock.js';

export class OneShot {
  private handle: TimerHandle | undefined;
  private dueAt: number | undefined;

  constructor(private readonly clock: Clock, private readonly fire: () => void) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** when it fires, or undefined */
  get at(): number | undefined {
    return this.dueAt;
  }

  /** (Re)starts the timer to fire `delay` ms from now. */
  start(delay: number): void {
    this.stop();
    const at = this.clock.now() + delay;
    this.dueAt = at;
    const handle = this.clock.setTimer(at, () => {
      if (this.handle !== handle) return;
      this.handle = undefined;
      this.dueAt = undefined;
      this.fire();
    });
    this.handle = handle;
  }

  /** Starts the timer only if it is not running. */
  ensure(delay: number): void {
    if (!this.running) this.start(delay);
  }

  stop(): void {
    this.handle?.cancel();
    this.handle = undefined;
    this.dueAt = undefined;
  }
}
