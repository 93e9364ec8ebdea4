import { Paddle } from "@paddle/paddle-node-sdk";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PaddleConfig } from "../../config";
import { readPaddleEnvelope } from "./paddle-envelope";
import type { WebhookEventService } from "./webhook-event.service";
import type { WebhookProcessor } from "./webhook-processor.service";
import { runWebhookPass } from "./webhook-worker";

export interface PaddleWebhookOptions {
  paddle: PaddleConfig;
  events: WebhookEventService;
  processor: WebhookProcessor;
}

// Paddle's events are small; the platform's 1 MiB cap applies here too, stated where it matters.
const BODY_LIMIT_BYTES = 1024 * 1024;
const NOT_CONFIGURED = { error: "Paddle webhooks are not configured", code: "NOT_CONFIGURED" };
const INVALID_SIGNATURE = { error: "Invalid signature", code: "INVALID_SIGNATURE" };

/**
 * `POST /webhooks/paddle`: verify the signature over the raw body, store the event once, answer 200, then process it.
 * Registered as its own plugin, so its raw-body parser leaves every other route's JSON parsing alone.
 */
export async function paddleWebhookRoute(app: FastifyInstance, options: PaddleWebhookOptions): Promise<void> {
  const secrets = [options.paddle.webhookSecret, options.paddle.webhookSecretPrevious].filter(
    (secret): secret is string => secret !== undefined,
  );
  // The constructor sets up the SDK's crypto provider; without it every signature fails (stack.md pitfall 16). The
  // API key is not used to verify, and this instance never calls Paddle's API.
  const verifier = new Paddle("webhook-verification-only").webhooks;

  // The signature covers the exact bytes sent: a parsed and re-serialised body would not verify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post("/webhooks/paddle", { bodyLimit: BODY_LIMIT_BYTES }, async (request: FastifyRequest, reply: FastifyReply) => {
    if (secrets.length === 0) return reply.code(503).send(NOT_CONFIGURED);
    const rawBody = typeof request.body === "string" ? request.body : "";
    const signature = request.headers["paddle-signature"];
    if (typeof signature !== "string" || !(await isSignedByAny(verifier, rawBody, secrets, signature))) {
      request.log.warn(
        { reason: typeof signature === "string" ? "signature or timestamp" : "no Paddle-Signature header" },
        "Paddle webhook refused",
      );
      return reply.code(401).send(INVALID_SIGNATURE);
    }
    const envelope = readPaddleEnvelope(rawBody);
    if (!envelope.ok) return reply.code(400).send({ error: envelope.error, code: "INVALID_INPUT" });
    const outcome = await options.events.store(envelope.event);
    request.log.info({ event_id: envelope.event.eventId, event_type: envelope.event.eventType, outcome }, "Paddle webhook received");
    // Answered now; processing runs after (and on the worker's timer, should this pass not finish).
    runWebhookPass(options.processor, request.log);
    return reply.code(200).send({ received: true });
  });
}

/**
 * The SDK's check (HMAC-SHA256 of `ts:body`, 5 s tolerance) against each configured secret: during a rotation the
 * events are signed with either. The SDK throws on a header without `ts` or `h1`; that is a bad signature too.
 */
async function isSignedByAny(verifier: Paddle["webhooks"], rawBody: string, secrets: string[], signature: string): Promise<boolean> {
  for (const secret of secrets) {
    try {
      if (await verifier.isSignatureValid(rawBody, secret, signature)) return true;
    } catch {
      return false;
    }
  }
  return false;
}
