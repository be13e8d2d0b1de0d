/** Which installs fail: all of them, or the nested clusters with this name. */
export type InstallFailure = boolean | { name: string };

/** Which charts vcluster's deploy controller fails to install: all, or the releases with this name. */
export type ChartFailure = boolean | { release: string };

export interface FaultState {
  latencyMs: number;
  latencyByVerb: Record<string, number>;
  errorRate: number;
  errorVerbs?: string[];
  failInstalls: InstallFailure;
  hangInstalls: boolean;
  slowInstalls: number;
  failAddonCharts: ChartFailure;
  down: boolean;
  /** How far the simulated servers' clocks run ahead of the machine's (token expiry). */
  clockOffsetMs: number;
}

export interface FaultHooks {
  dropWatches(graceful: boolean): void;
  forceGone(): void;
  setDown(down: boolean): Promise<void>;
  /** Installers re-check hung or failed installs when the switches change. */
  installSwitchesChanged(): void;
}

const INITIAL: FaultState = {
  latencyMs: 0,
  latencyByVerb: {},
  errorRate: 0,
  failInstalls: false,
  hangInstalls: false,
  slowInstalls: 1,
  failAddonCharts: false,
  down: false,
  clockOffsetMs: 0,
};

/** Fault injection switches; the same object backs the library API and `/admin/faults`. */
export class FaultController {
  private state: FaultState = { ...INITIAL };
  private hooks?: FaultHooks;

  /** @internal */
  bind(hooks: FaultHooks) {
    this.hooks = hooks;
  }

  /** Adds latency to every request, or per verb (`{ list: 200, watch: 0 }`). */
  setLatency(latency: number | Record<string, number>) {
    if (typeof latency === 'number') {
      this.state.latencyMs = latency;
      this.state.latencyByVerb = {};
    } else {
      this.state.latencyByVerb = { ...latency };
    }
  }

  /** Answers this fraction (0..1) of requests with 500 InternalError, optionally only for some verbs. */
  setErrorRate(rate: number, options: { verbs?: string[] } = {}) {
    this.state.errorRate = rate;
    this.state.errorVerbs = options.verbs;
  }

  /** Cuts every open watch connection (abruptly, unless graceful: then the stream just ends). */
  dropWatches(options: { graceful?: boolean } = {}) {
    this.hooks?.dropWatches(options.graceful ?? false);
  }

  /** Compacts the event history: open watches get a 410 ERROR event, older versions and continue tokens are Gone. */
  forceGone() {
    this.hooks?.forceGone();
  }

  /** Makes installs fail: installers report Failed and the control-plane pod goes into CrashLoopBackOff. */
  failInstalls(failure: InstallFailure) {
    this.state.failInstalls = failure;
    this.hooks?.installSwitchesChanged();
  }

  /** Makes installs stop before the chart is installed, until switched off. */
  hangInstalls(hang: boolean) {
    this.state.hangInstalls = hang;
    this.hooks?.installSwitchesChanged();
  }

  /**
   * Makes the `experimental.deploy.vcluster.helm` charts of nested clusters
   * fail to install (all, or one release name); clearing it lets the deploy
   * controller's next retry succeed.
   */
  failAddonCharts(failure: ChartFailure) {
    this.state.failAddonCharts = failure;
  }

  /** Multiplies every installer delay by this factor. */
  slowInstalls(factor: number) {
    this.state.slowInstalls = factor;
  }

  /**
   * Sets the clock of the host and its nested clusters this far ahead, so a
   * test sees a token expire without waiting (the API server's minimum is 10 minutes).
   */
  setClockOffset(ms: number) {
    this.state.clockOffsetMs = ms;
  }

  /** The simulated servers' clock (Unix ms). */
  now(): number {
    return Date.now() + this.state.clockOffsetMs;
  }

  /** Takes the whole host down (connections refused) or brings it back. */
  async setDown(down: boolean) {
    this.state.down = down;
    await this.hooks?.setDown(down);
  }

  async reset() {
    const wasDown = this.state.down;
    this.state = { ...INITIAL };
    if (wasDown) {
      await this.hooks?.setDown(false);
    }
    this.hooks?.installSwitchesChanged();
  }

  current(): FaultState {
    return { ...this.state, latencyByVerb: { ...this.state.latencyByVerb } };
  }

  /** @internal */
  latencyFor(verb: string): number {
    return this.state.latencyByVerb[verb] ?? this.state.latencyMs;
  }

  /** @internal */
  shouldFail(verb: string): boolean {
    if (this.state.errorRate <= 0) {
      return false;
    }
    if (this.state.errorVerbs && !this.state.errorVerbs.includes(verb)) {
      return false;
    }
    return Math.random() < this.state.errorRate;
  }

  /** @internal */
  installFails(name: string): boolean {
    const f = this.state.failInstalls;
    return typeof f === 'boolean' ? f : f.name === name;
  }

  /** @internal */
  addonChartFails(release: string): boolean {
    const f = this.state.failAddonCharts;
    return typeof f === 'boolean' ? f : f.release === release;
  }

  /** @internal */
  get installsHang(): boolean {
    return this.state.hangInstalls;
  }

  /** @internal */
  scaleDelay(ms: number): number {
    return ms * this.state.slowInstalls;
  }
}
