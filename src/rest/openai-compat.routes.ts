import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Admission, ChatOrigin, ChatRefusal } from "../ai/ai-proxy.service";
import { draftChat } from "../ai/chat-request";
import { allowedModels, type Provider } from "../ai/providers";
import { SseEventSplitter, UpstreamStatusError, UpstreamUnreachableError } from "../ai/upstream";
import type { LicenseGrant } from "../modules/licenses/license-check.service";
import type { Plan } from "../modules/plans/plan.model";
import { abortWhenCallerLeaves, eventStreamHeaders } from "./caller-gone";
import { readJsonBody } from "./body";
import { refuseOtherMethods } from "./method-not-allowed";
import type { ThrottleDeps } from "./throttle";

const BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** Providers whose wire format is OpenAI's, so their answers pass through unchanged. */
const OPENAI_FORMAT: readonly Provider[] = ["openai", "deepseek"];

/**
 * The OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`) for plans with `api_access`: the official
 * `openai` client pointed at the platform (`baseURL: "<platform>/v1"`, the license key as its API key) works
 * unchanged, on the same reservations, limits and usage records as /api/chat. Errors are in OpenAI's format.
 */
export async function openaiCompatRoutes(app: FastifyInstance, deps: ThrottleDeps): Promise<void> {
  app.get("/v1/models", async (request, reply) => guarded(reply, request, async () => {
    const grant = await authenticate(request, reply, deps);
    if (!grant) return reply;
    return { object: "list", data: modelsOf(grant.plan).map(({ provider, model }) => ({ id: model, object: "model", created: 0, owned_by: provider })) };
  }));

  app.post("/v1/chat/completions", { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => guarded(reply, request, () => completions(request, reply, deps)));

  refuseOtherMethods(app, "/v1/models", ["GET"]);
  refuseOtherMethods(app, "/v1/chat/completions", ["POST"]);
}

async function completions(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps): Promise<unknown> {
  const grant = await authenticate(request, reply, deps);
  if (!grant) return reply;
  const body = readJsonBody(request);
  if (!body.ok || body.value === null) return openaiError(reply, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "invalid_json");
  const fields = body.value;
  if (typeof fields.model !== "string") return openaiError(reply, 400, "you must provide a model parameter", "invalid_request_error", "missing_model");
  const target = modelsOf(grant.plan).find((entry) => entry.model === fields.model);
  if (!target) return openaiError(reply, 404, `The model \`${fields.model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");

  const clientWantsUsage = (fields.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const draft = draftChat(
    { messages: fields.messages, api_provider: target.provider, model: target.model, max_tokens: fields.max_completion_tokens ?? fields.max_tokens, temperature: fields.temperature, stream: fields.stream },
    grant.plan,
  );
  const admitted = await deps.services.aiProxy.admit(grant, draft, { actor: { label: `license:${grant.license._id.toHexString()}`, ip: request.ip } });
  if (!admitted.ok) return sendRefusal(reply, admitted.refusal);
  const { admission } = admitted;

  const origin: ChatOrigin = { endpoint: "/v1/chat/completions", ip: request.ip, userAgent: request.headers["user-agent"] ?? null, signal: abortWhenCallerLeaves(reply) };
  try {
    if (!admission.call.stream) return (await deps.services.aiProxy.complete(admission, origin)).body;
    return await stream(deps, reply, admission, origin, clientWantsUsage);
  } catch (error) {
    // The provider speaks OpenAI's format: its error answer passes through as it is.
    if (error instanceof UpstreamStatusError) return reply.code(error.status).header("content-type", "application/json; charset=utf-8").send(error.bodyText);
    if (error instanceof UpstreamUnreachableError) {
      return error.reason === "timeout"
        ? openaiError(reply, 504, "The AI provider did not answer in time.", "api_error", "provider_timeout")
        : openaiError(reply, 502, "The AI provider could not be reached.", "api_error", "provider_unreachable");
    }
    throw error;
  }
}

/**
 * The provider's events as they come. The platform always asks for usage, to charge the stream; a client that
 * did not ask for it does not get the extra usage-only chunk (its `choices` is empty).
 */
async function stream(deps: ThrottleDeps, reply: FastifyReply, admission: Admission, origin: ChatOrigin, clientWantsUsage: boolean): Promise<FastifyReply> {
  const opened = await deps.services.aiProxy.openStream(admission, origin);
  const out = new PassThrough();
  eventStreamHeaders(reply);
  const splitter = new SseEventSplitter();
  void opened
    .pipe((chunk) => {
      if (clientWantsUsage) {
        out.write(chunk);
        return;
      }
      splitter.push(chunk, ({ data }) => {
        if (!isUsageOnlyChunk(data)) out.write(`data: ${data}\n\n`);
      });
    })
    .then(({ outcome }) => {
      if (outcome === "broken") out.write(`data: ${JSON.stringify({ error: { message: "The AI provider's stream broke off.", type: "api_error", param: null, code: "provider_stream_broken" } })}\n\n`);
      out.end();
    })
    .catch((error: unknown) => {
      reply.log.error({ err: error }, "streamed completion failed");
      out.destroy();
    });
  return reply.send(out);
}

function isUsageOnlyChunk(data: string): boolean {
  if (!data.includes('"usage"')) return false;
  try {
    const event = JSON.parse(data) as { choices?: unknown[]; usage?: unknown };
    return Array.isArray(event.choices) && event.choices.length === 0 && event.usage !== null && event.usage !== undefined;
  } catch {
    return false;
  }
}

/** The license key as the Bearer token; the plan must include `api_access` (DOMAIN.md). */
async function authenticate(request: FastifyRequest, reply: FastifyReply, deps: ThrottleDeps): Promise<LicenseGrant | undefined> {
  const { services, enabled } = deps;
  const header = request.headers.authorization;
  const key = typeof header === "string" && /^Bearer\s+\S/i.test(header) ? header.replace(/^Bearer\s+/i, "").trim() : undefined;
  if (key === undefined) {
    await openaiError(reply, 401, "You didn't provide an API key. Send your Chatello license key as a Bearer token (Authorization: Bearer CHA-…).", "invalid_request_error", "missing_api_key");
    return undefined;
  }
  if (enabled) {
    const blockedUntil = await services.failedLookups.blockedUntil(request.ip);
    if (blockedUntil) {
      const retryAfter = Math.max(1, Math.ceil((blockedUntil.getTime() - Date.now()) / 1000));
      reply.header("retry-after", String(retryAfter)).header("x-should-retry", "false");
      await openaiError(reply, 429, services.failedLookups.message, "rate_limit_error", "too_many_failed_lookups");
      return undefined;
    }
  }
  const verdict = await services.licenseCheck.check(key);
  if (enabled) await services.failedLookups.recordVerdict(request.ip, verdict);
  if (!verdict.valid) {
    await openaiError(reply, 401, `Invalid or inactive license (${verdict.detail}).`, "invalid_request_error", "invalid_api_key");
    return undefined;
  }
  if (!verdict.plan.features.includes("api_access") || !verdict.plan.features.includes("ai_included")) {
    await openaiError(reply, 403, `The ${verdict.plan.name} plan does not include API access. Upgrade to the Agency plan.`, "permission_error", "api_access_not_included");
    return undefined;
  }
  return verdict;
}

/** The models this plan may call through the OpenAI-compatible API (providers that speak OpenAI's format). */
function modelsOf(plan: Plan): Array<{ provider: Provider; model: string }> {
  return OPENAI_FORMAT.flatMap((provider) => allowedModels(plan.allowed_models, provider).map((model) => ({ provider, model })));
}

function sendRefusal(reply: FastifyReply, refusal: ChatRefusal): FastifyReply {
  switch (refusal.kind) {
    case "ai_not_included":
      return openaiError(reply, 403, "AI is not included in your plan.", "permission_error", "ai_not_included");
    case "limit": {
      const retryAfter = Math.max(1, Math.ceil((refusal.resetAt.getTime() - Date.now()) / 1000));
      // The SDK retries 429s by itself; a monthly limit or budget will not lift within a retry.
      const lasting = refusal.limit === "monthly_requests" || refusal.limit === "monthly_budget";
      reply.header("retry-after", String(retryAfter)).header("x-should-retry", lasting ? "false" : "true");
      if (refusal.limit === "monthly_budget") return openaiError(reply, 429, "Monthly budget exceeded.", "insufficient_quota", "insufficient_quota");
      const which = { monthly_requests: "Monthly request limit", requests_per_minute: "Per-minute request limit", requests_per_hour: "Per-hour request limit" }[refusal.limit];
      return openaiError(reply, 429, `${which} reached.`, "requests", "rate_limit_exceeded");
    }
    case "invalid":
      return openaiError(reply, 400, `${refusal.problem.error}.`, "invalid_request_error", refusal.problem.code === "MODEL_NOT_ALLOWED" ? "model_not_found" : "invalid_value");
    case "site":
      return openaiError(reply, 400, "Invalid site.", "invalid_request_error", "invalid_value");
    case "not_configured":
      return openaiError(reply, 503, `${refusal.provider} is not configured on this platform.`, "api_error", "provider_not_configured");
  }
}

function openaiError(reply: FastifyReply, status: number, message: string, type: string, code: string): FastifyReply {
  return reply.code(status).send({ error: { message, type, param: null, code } });
}

async function guarded(reply: FastifyReply, request: FastifyRequest, handler: () => Promise<unknown>): Promise<unknown> {
  try {
    return await handler();
  } catch (error) {
    request.log.error({ err: error }, "OpenAI-compatible request failed");
    if (reply.sent || reply.raw.headersSent) return reply;
    return openaiError(reply, 500, "The server had an error while processing your request.", "server_error", "internal_error");
  }
}
