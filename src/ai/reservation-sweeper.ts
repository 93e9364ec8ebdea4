import type { FastifyBaseLogger } from "fastify";
import type { UsageQuotaService } from "../modules/usage/usage-quota.service";

const SWEEP_EVERY_MS = 60_000;

/**
 * How old a reservation must be before the sweep takes it for abandoned (its process died between reserving and
 * settling). Well past any live call: a call is silent for at most the AI timeout, and a settlement that comes
 * after the sweep is still charged (UsageQuotaService.settle).
 */
export function abandonedAfterMs(aiTimeoutMs: number): number {
  return Math.max(10 * 60_000, 4 * aiTimeoutMs);
}

/** Runs the sweep every minute on every instance (each release happens once, whoever sweeps). */
export function startReservationSweeper(quota: UsageQuotaService, aiTimeoutMs: number, logger: FastifyBaseLogger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    quota
      .sweep(abandonedAfterMs(aiTimeoutMs))
      .then((released) => {
        if (released > 0) logger.warn({ released }, "released AI reservations left by a stopped process");
      })
      .catch((error: unknown) => logger.error({ err: error }, "reservation sweep failed"))
      .finally(() => {
        running = false;
      });
  }, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
