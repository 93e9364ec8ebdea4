import type { FastifyBaseLogger } from "fastify";
import type { GraceSweeper } from "./grace-sweeper.service";

/** Grace periods are whole days: a minute late is well inside what anyone notices. */
const SWEEP_EVERY_MS = 60_000;

/** Runs the grace sweeper on a timer on every instance (its suspensions are guarded); returns the stop. */
export function startGraceSweeper(sweeper: GraceSweeper, logger: FastifyBaseLogger): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweeper
      .sweep()
      .then((suspended) => {
        if (suspended > 0) logger.info({ suspended }, "grace periods ended: licenses suspended");
      })
      .catch((error: unknown) => logger.error({ err: error }, "grace sweep failed"))
      .finally(() => {
        running = undefined;
      });
  }, SWEEP_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
