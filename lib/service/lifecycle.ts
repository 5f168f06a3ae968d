/**
 * Readiness and graceful shutdown. Ready once the management cluster has answered (API discovery).
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
   * Calls `probe` until it resolves once (then the service is ready), every `intervalMs`.
   * Failures are reported to `onError` (logged by the caller) and retried.
   */
  startReadinessProbe(probe: () => Promise<void>, intervalMs: number, onError: (e: unknown) => void): void {
    const run = async () => {
      if (this.stopProbe) return;
      try {
        await probe();
        this.readyFlag = true;
      } catch (e) {
        onError(e);
        if (!this.stopProbe) this.probeTimer = setTimeout(run, intervalMs);
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
