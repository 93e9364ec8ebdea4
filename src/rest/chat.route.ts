import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Admission, AiProxyService, ChatOrigin, ChatRefusal, ChatUsage } from "../ai/ai-proxy.service";
import { draftChat } from "../ai/chat-request";
import { UpstreamStatusError, UpstreamUnreachableError } from "../ai/upstream";
import { licenseActor } from "../modules/activity/activity.service";
import { microsToEur, microsToEur4 } from "../money";
import { abortWhenCallerLeaves, eventStreamHeaders } from "./caller-gone";
import { readJsonBody, siteHeaderOf } from "./body";
import { grantOf } from "./route-config";
import { activationRefusalJson } from "./serializers";
import { ROUTE_LIMITS, type ThrottleDeps } from "./throttle";

/** The plugin sends whole conversations: 5 MiB instead of the 1 MiB of other routes (contract §1.7). */
const CHAT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
const CONFIG = { license: { scope: "chat", limits: ROUTE_LIMITS.chat }, failure: { error: "Request failed" } };

/** POST /api/chat (contract §6.4): checks in the contract's order, then the provider call, JSON or streamed. */
export async function chatRoute(app: FastifyInstance, deps: ThrottleDeps): Promise<void> {
  app.post("/api/chat", { bodyLimit: CHAT_BODY_LIMIT_BYTES, config: CONFIG }, async (request, reply) => chat(request, reply, deps));
}

async function chat(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps): Promise<unknown> {
  const proxy = deps.services.aiProxy;
  const grant = grantOf(request);
  const body = readJsonBody(request);
  if (!body.ok) return reply.code(400).send({ error: "Invalid JSON body", code: "INVALID_INPUT" });

  const draft = draftChat(body.value, grant.plan);
  const headerSite = siteHeaderOf(request);
  const rawSite = headerSite !== undefined && headerSite !== "" ? headerSite : body.value?.site_url;
  const admitted = await proxy.admit(grant, draft, { rawSite, actor: licenseActor(grant.license, request.ip) });
  if (!admitted.ok) return sendRefusal(reply, admitted.refusal);
  const { admission } = admitted;

  // The caller going away aborts the provider call (and, streaming, is charged what the provider reported).
  const origin: ChatOrigin = {
    endpoint: `/api/chat/${admission.call.provider}`,
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    signal: abortWhenCallerLeaves(reply),
  };
  try {
    return admission.call.stream ? await stream(proxy, reply, admission, origin) : await answer(proxy, admission, origin);
  } catch (error) {
    if (error instanceof UpstreamStatusError)
      return reply.code(error.status).send({ error: "AI service error", details: error.bodyText, code: "PROVIDER_ERROR" });
    if (error instanceof UpstreamUnreachableError) {
      if (error.reason !== "aborted")
        request.log.warn({ provider: admission.call.provider, reason: error.reason, err: error.cause }, "provider not reached");
      return reply.code(500).send({ error: "Request failed", code: "PROVIDER_ERROR" });
    }
    throw error;
  }
}

/** The v2.1 envelope, with the provider's JSON body unchanged under `response`. */
async function answer(proxy: AiProxyService, admission: Admission, origin: ChatOrigin): Promise<unknown> {
  const { body, usage } = await proxy.complete(admission, origin);
  return { success: true, provider: admission.call.provider, model: admission.call.model, response: body, usage: usageJson(usage) };
}

/** The provider's SSE bytes as they come, then `chatello.usage` (or `chatello.error` when the stream broke). */
async function stream(proxy: AiProxyService, reply: FastifyReply, admission: Admission, origin: ChatOrigin): Promise<FastifyReply> {
  const opened = await proxy.openStream(admission, origin);
  const out = new PassThrough();
  eventStreamHeaders(reply);
  // Not awaited: Fastify starts sending `out` once the handler returns it.
  void (async () => {
    let tail = "";
    const { usage, outcome } = await opened.pipe((chunk) => {
      out.write(chunk);
      tail = (tail + Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2))).toString("latin1")).slice(-2);
    });
    // Our event must start on a fresh line even if the provider's last event was not terminated.
    const separator = tail === "\n\n" || tail === "" ? "" : tail.endsWith("\n") ? "\n" : "\n\n";
    const final =
      outcome === "broken"
        ? `event: chatello.error\ndata: ${JSON.stringify({ error: "Request failed", code: "PROVIDER_ERROR" })}\n\n`
        : `event: chatello.usage\ndata: ${JSON.stringify(usageJson(usage))}\n\n`;
    out.end(`${separator}${final}`);
  })().catch((error: unknown) => {
    reply.log.error({ err: error }, "streamed chat failed");
    out.destroy();
  });
  return reply.send(out);
}

function usageJson(usage: ChatUsage): Record<string, number> {
  return {
    tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    cost_eur: microsToEur4(usage.costMicros),
    response_time_ms: usage.responseTimeMs,
  };
}

/** The contract's bodies for rows 5–16 of §6.4. */
function sendRefusal(reply: FastifyReply, refusal: ChatRefusal): FastifyReply {
  switch (refusal.kind) {
    case "ai_not_included":
      return reply.code(403).send({
        error: "AI not included in your plan",
        plan: refusal.plan.name,
        message: "Upgrade to Pro or Agency plan for included AI",
        code: "AI_NOT_INCLUDED",
      });
    case "limit":
      return sendLimit(reply, refusal);
    case "invalid":
      return reply
        .code(refusal.problem.code === "MODEL_NOT_ALLOWED" ? 403 : 400)
        .send({ error: refusal.problem.error, code: refusal.problem.code, ...refusal.problem.details });
    case "site": {
      const { status, body } = activationRefusalJson(refusal.outcome);
      return reply.code(status).send(body);
    }
    case "not_configured":
      return reply.code(503).send({ error: `${refusal.provider} not configured`, code: "PROVIDER_NOT_CONFIGURED" });
  }
}

function sendLimit(reply: FastifyReply, refusal: Extract<ChatRefusal, { kind: "limit" }>): FastifyReply {
  const { plan } = refusal;
  if (refusal.limit === "monthly_budget") {
    return reply.code(402).send({
      error: "Monthly budget exceeded",
      budget_eur: microsToEur(plan.monthly_budget_micros),
      message: "API budget limit reached. Upgrade your plan or wait for next month.",
      reset_time: "Next month",
      code: "BUDGET_EXCEEDED",
    });
  }
  const retryAfter = refusal.retryAfter;
  reply.code(429).header("retry-after", String(retryAfter));
  if (refusal.limit === "monthly_requests")
    return reply.send({
      error: "Monthly usage limit exceeded",
      limit: plan.monthly_requests,
      reset_time: "Next month",
      code: "MONTHLY_LIMIT",
    });
  if (refusal.limit === "requests_per_minute") {
    return reply.send({
      error: "Rate limit exceeded: too many requests per minute",
      limit: plan.requests_per_minute,
      reset_time: "60 seconds",
      code: "MINUTE_LIMIT",
    });
  }
  return reply.send({
    error: "Rate limit exceeded: too many requests per hour",
    limit: plan.requests_per_hour,
    reset_time: "1 hour",
    code: "HOUR_LIMIT",
  });
}
