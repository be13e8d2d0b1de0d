import { ApiError } from '../errors';

export type Logger = (message: string) => void;

/**
 * Timers and a de-duplicating work queue for controllers. Work runs outside the
 * store's synchronous event dispatch, so a controller never writes while another
 * write is being announced.
 */
export class ControllerRuntime {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly log: Logger) {}

  /** Runs `work` after `ms`; a second request for the same key while one is pending is dropped. */
  enqueue(key: string, work: () => void | Promise<void>, ms = 0) {
    if (this.stopped || this.pending.has(key)) {
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.timers.delete(timer);
      this.run(key, work);
    }, ms);
    this.pending.set(key, timer);
    this.timers.add(timer);
  }

  /** Runs `work` after `ms`, unconditionally (timeline steps). */
  after(ms: number, label: string, work: () => void | Promise<void>) {
    if (this.stopped) {
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(label, work);
    }, ms);
    this.timers.add(timer);
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.pending.clear();
  }

  private run(label: string, work: () => void | Promise<void>) {
    if (this.stopped) {
      return;
    }
    Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        // Objects vanish and race in real clusters too; controllers just try again on the next event.
        if (
          error instanceof ApiError &&
          (error.code === 404 || error.code === 409)
        ) {
          return;
        }
        this.log(
          `controller ${label} failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      });
  }
}
