import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { Admission, ChatOrigin, ChatRefusal } from "../ai/ai-proxy.service";
import { draftChat } from "../ai/chat-request";
import type { Provider } from "../ai/providers";
import { SseEventSplitter, UpstreamStatusError, UpstreamUnreachableError } from "../ai/upstream";
import { licenseActor } from "../modules/activity/activity.service";
import type { Plan } from "../modules/plans/plan.model";
import { hasApiAccess, modelsAllowed } from "../modules/plans/plan.policy";
import type { Services } from "../services";
import { abortWhenCallerLeaves, eventStreamHeaders } from "./caller-gone";
import { readJsonBody } from "./body";
import { refuseOtherMethods } from "./method-not-allowed";
import { grantOf } from "./route-config";
import { prepareSurface } from "./surface";

const BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** Providers whose wire format is OpenAI's, so their answers pass through unchanged. */
const OPENAI_FORMAT: readonly Provider[] = ["openai", "deepseek"];

/**
 * The OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`) for plans with `api_access`: the official
 * `openai` client pointed at the platform (`baseURL: "<platform>/v1"`, the license key as its API key) works
 * unchanged, on the same reservations, limits and usage records as /api/chat. One surface: the license key (as the
 * Bearer token) goes through the same gate as everywhere, and every error is in OpenAI's format.
 */
export async function v1Surface(app: FastifyInstance, options: { services: Services }): Promise<void> {
  prepareSurface(app, {
    client: (reply, status, body) => openaiError(reply, status, body.error, "invalid_request_error", body.code.toLowerCase()),
    unexpected: (_request, reply) =>
      openaiError(reply, 500, "The server had an error while processing your request.", "server_error", "internal_error"),
  });
  await app.register(authenticatedRoutes, options);
  // Outside the authenticated scope: OpenAI answers an unknown URL with 404 whether or not a key came with it.
  app.route({ method: ["GET", "POST", "PUT", "PATCH", "DELETE"], url: "/v1", handler: unknownUrl });
  app.route({ method: ["GET", "POST", "PUT", "PATCH", "DELETE"], url: "/v1/*", handler: unknownUrl });
}

async function authenticatedRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  app.addHook("preHandler", requireApiKey(options.services));
  app.get("/v1/models", async (request) => {
    const { plan } = grantOf(request);
    // A model whose provider has no key here would only answer 503: clients pick from what they can call.
    const configured = await options.services.providers.configured();
    return {
      object: "list",
      data: modelsOf(plan)
        .filter(({ provider }) => configured[provider])
        .map(({ provider, model }) => ({ id: model, object: "model", created: 0, owned_by: provider })),
    };
  });
  app.post("/v1/chat/completions", { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) =>
    completions(request, reply, options.services),
  );
  refuseOtherMethods(app, "/v1/models", ["GET"]);
  refuseOtherMethods(app, "/v1/chat/completions", ["POST"]);
}

/** OpenAI's own answer to a path it does not serve, with a code of ours (OpenAI sends `code: null`). */
async function unknownUrl(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = request.url.split("?", 1)[0];
  return openaiError(reply, 404, `Invalid URL (${request.method} ${path})`, "invalid_request_error", "unknown_url");
}

async function completions(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<unknown> {
  const grant = grantOf(request);
  const body = readJsonBody(request);
  if (!body.ok || body.value === null)
    return openaiError(reply, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "invalid_json");
  const fields = body.value;
  if (typeof fields.model !== "string")
    return openaiError(reply, 400, "you must provide a model parameter", "invalid_request_error", "missing_model");
  const target = modelsOf(grant.plan).find((entry) => entry.model === fields.model);
  if (!target)
    return openaiError(
      reply,
      404,
      `The model \`${fields.model}\` does not exist or you do not have access to it.`,
      "invalid_request_error",
      "model_not_found",
    );

  const clientWantsUsage = (fields.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const draft = draftChat(
    {
      messages: fields.messages,
      api_provider: target.provider,
      model: target.model,
      max_tokens: fields.max_completion_tokens ?? fields.max_tokens,
      temperature: fields.temperature,
      stream: fields.stream,
    },
    grant.plan,
  );
  const admitted = await services.aiProxy.admit(grant, draft, { actor: licenseActor(grant.license, request.ip) });
  if (!admitted.ok) return sendRefusal(reply, admitted.refusal);
  const { admission } = admitted;

  const origin: ChatOrigin = {
    endpoint: "/v1/chat/completions",
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
    signal: abortWhenCallerLeaves(reply),
  };
  try {
    if (!admission.call.stream) return (await services.aiProxy.complete(admission, origin)).body;
    return await stream(services, reply, admission, origin, clientWantsUsage);
  } catch (error) {
    // The provider speaks OpenAI's format: its error answer passes through as it is.
    if (error instanceof UpstreamStatusError)
      return reply.code(error.status).header("content-type", "application/json; charset=utf-8").send(error.bodyText);
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
async function stream(
  services: Services,
  reply: FastifyReply,
  admission: Admission,
  origin: ChatOrigin,
  clientWantsUsage: boolean,
): Promise<FastifyReply> {
  const opened = await services.aiProxy.openStream(admission, origin);
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
      if (outcome === "broken")
        out.write(
          `data: ${JSON.stringify({ error: { message: "The AI provider's stream broke off.", type: "api_error", param: null, code: "provider_stream_broken" } })}\n\n`,
        );
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

/**
 * The surface's one license pre-handler: the license key as the Bearer token, through the license gate, and a plan
 * with `api_access` (DOMAIN.md). Refusals in OpenAI's words, so its SDK reports them as it would OpenAI's.
 */
function requireApiKey(services: Services): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const header = request.headers.authorization;
    const key = typeof header === "string" && /^Bearer\s+\S/i.test(header) ? header.replace(/^Bearer\s+/i, "").trim() : undefined;
    if (key === undefined) {
      return openaiError(
        reply,
        401,
        "You didn't provide an API key. Send your Chatello license key as a Bearer token (Authorization: Bearer CHA-…).",
        "invalid_request_error",
        "missing_api_key",
      );
    }
    const verdict = await services.licenseGate.admit(key, request.ip);
    if (!verdict.valid && verdict.code === "LOOKUPS_BLOCKED") {
      reply.header("retry-after", String(verdict.retryAfter)).header("x-should-retry", "false");
      return openaiError(reply, 429, verdict.message, "rate_limit_error", "too_many_failed_lookups");
    }
    if (!verdict.valid)
      return openaiError(reply, 401, `Invalid or inactive license (${verdict.detail}).`, "invalid_request_error", "invalid_api_key");
    if (!hasApiAccess(verdict.plan)) {
      return openaiError(
        reply,
        403,
        `The ${verdict.plan.name} plan does not include API access. Upgrade to the Agency plan.`,
        "permission_error",
        "api_access_not_included",
      );
    }
    request.grant = verdict;
    return undefined;
  };
}

/** The models this plan may call through the OpenAI-compatible API (providers that speak OpenAI's format). */
function modelsOf(plan: Plan): Array<{ provider: Provider; model: string }> {
  return OPENAI_FORMAT.flatMap((provider) => modelsAllowed(plan, provider).map((model) => ({ provider, model })));
}

function sendRefusal(reply: FastifyReply, refusal: ChatRefusal): FastifyReply {
  switch (refusal.kind) {
    case "ai_not_included":
      return openaiError(reply, 403, "AI is not included in your plan.", "permission_error", "ai_not_included");
    case "limit": {
      const retryAfter = refusal.retryAfter;
      // The SDK retries 429s by itself; a monthly limit or budget will not lift within a retry.
      const lasting = refusal.limit === "monthly_requests" || refusal.limit === "monthly_budget";
      reply.header("retry-after", String(retryAfter)).header("x-should-retry", lasting ? "false" : "true");
      if (refusal.limit === "monthly_budget")
        return openaiError(reply, 429, "Monthly budget exceeded.", "insufficient_quota", "insufficient_quota");
      const which = {
        monthly_requests: "Monthly request limit",
        requests_per_minute: "Per-minute request limit",
        requests_per_hour: "Per-hour request limit",
      }[refusal.limit];
      return openaiError(reply, 429, `${which} reached.`, "requests", "rate_limit_exceeded");
    }
    case "invalid":
      return openaiError(
        reply,
        400,
        `${refusal.problem.error}.`,
        "invalid_request_error",
        refusal.problem.code === "MODEL_NOT_ALLOWED" ? "model_not_found" : "invalid_value",
      );
    case "site":
      return openaiError(reply, 400, "Invalid site.", "invalid_request_error", "invalid_value");
    case "not_configured":
      // The SDK retries a 503 by itself; no retry brings a key the platform does not hold.
      reply.header("x-should-retry", "false");
      return openaiError(reply, 503, `${refusal.provider} is not configured on this platform.`, "api_error", "provider_not_configured");
  }
}

function openaiError(reply: FastifyReply, status: number, message: string, type: string, code: string): FastifyReply {
  return reply.code(status).send({ error: { message, type, param: null, code } });
}
