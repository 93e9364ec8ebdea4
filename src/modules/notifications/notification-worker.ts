import type { FastifyBaseLogger } from "fastify";
import type { DrainReport, NotificationDeliveryService } from "./notification-delivery.service";

/** How often each instance looks for due deliveries (new messages and retries alike). */
const POLL_EVERY_MS = 3_000;

/** Runs the delivery on a timer on every instance; returns the stop, which waits for the pass in progress. */
export function startNotificationWorker(delivery: NotificationDeliveryService, logger: FastifyBaseLogger): () => Promise<void> {
  if (delivery.channels.length === 0) return () => delivery.stop();
  const timer = setInterval(() => void runNotificationPass(delivery, logger), POLL_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await delivery.stop();
  };
}

/** One pass, logged; never rejects: a database error is logged and the next tick tries again. */
export function runNotificationPass(delivery: NotificationDeliveryService, logger: FastifyBaseLogger): Promise<void> {
  return delivery.drain().then(
    (report) => logReport(report, logger),
    (error: unknown) => logger.error({ err: error }, "notification delivery pass failed"),
  );
}

/** Ids, kinds, channels and errors only: never the message's data (it can hold a license key). */
export function logReport(report: DrainReport, logger: FastifyBaseLogger): void {
  for (const sent of report.delivered) logger.info(sent, "notification delivered");
  for (const failed of report.failed) logger.warn(failed, "notification delivery failed; will retry");
}
