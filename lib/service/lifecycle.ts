/**
 * Readiness and graceful shutdown. Ready while the management cluster answers (API discovery, probed
 * again and again).
 * On shutdown the service drains: new requests get 503 (`unavailable`), requests in flight finish,
 * then the listener closes.
 */
export class Lifecycle {
  private readyFlag = false;
  private drainingFlag = false;
  private inFlightCount = 0;
  private idleWaiters: (() => void)[] = [];
  private stopProbe = false;
  private probeTimer?: NodeJS.Timeout;

  get ready(): boolean { return this.readyFlag; }
  get draining(): boolean { return this.drainingFlag; }
  get inFlight(): number { return this.inFlightCount; }

  /** Counts a request until `done` is called (once). */
  begin(): () => void {
    this.inFlightCount++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlightCount--;
      if (this.inFlightCount === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
  }

  /**
   * Calls `probe` every `intervalMs` until it resolves (then the service is ready), and from then on every
   * `recheckMs`: a failure makes the service not ready until a probe succeeds again. `onError` is told
   * once per outage (with whether the service was ready before), `onReady` once per recovery.
   */
  startReadinessProbe(probe: () => Promise<void>, intervalMs: number, recheckMs: number, onError: (e: unknown, wasReady: boolean) => void, onReady?: () => void): void {
    let reported = false;
    const run = async () => {
      if (this.stopProbe) return;
      try {
        await probe();
        if (!this.readyFlag) onReady?.();
        this.readyFlag = true;
        reported = false;
      } catch (e) {
        const wasReady = this.readyFlag;
        this.readyFlag = false;
        if (!reported) onError(e, wasReady);
        reported = true;
      }
      if (!this.stopProbe) {
        this.probeTimer = setTimeout(run, this.readyFlag ? recheckMs : intervalMs);
        this.probeTimer.unref();
      }
    };
    void run();
  }

  /** Starts draining and resolves once no request is in flight, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.drainingFlag = true;
    this.stopProbe = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.inFlightCount === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.idleWaiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}
