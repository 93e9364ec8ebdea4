/**
 * The abort signal of one provider call: fires with reason "timeout" when the call has been silent for
 * `timeoutMs` (no answer yet, or no streamed chunk since the last one), or with reason "aborted" when the caller
 * went away (`callerSignal`).
 */
export class CallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = (): void => this.controller.abort("aborted");

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.restart();
    if (callerSignal?.aborted) this.controller.abort("aborted");
    callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: the silence starts again. */
  restart(): void {
    clearTimeout(this.timer);
    if (this.controller.signal.aborted) return;
    this.timer = setTimeout(() => this.controller.abort("timeout"), this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }
}
