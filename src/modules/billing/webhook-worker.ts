import type { FastifyBaseLogger } from "fastify";
import type { WebhookProcessor } from "./webhook-processor.service";

/** How often each instance looks for due retries (new events are processed at once: the route starts a pass). */
const POLL_EVERY_MS = 5_000;

/** Runs the processor on a timer on every instance; returns the stop, which waits for the pass in progress. */
export function startWebhookWorker(processor: WebhookProcessor, logger: FastifyBaseLogger): () => Promise<void> {
  const timer = setInterval(() => runWebhookPass(processor, logger), POLL_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await processor.stop();
  };
}

/** One pass, without waiting for it; a database error is logged and the next tick tries again. */
export function runWebhookPass(processor: WebhookProcessor, logger: FastifyBaseLogger): void {
  processor.drain().catch((error: unknown) => logger.error({ err: error }, "webhook processing pass failed"));
}
