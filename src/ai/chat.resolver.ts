import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { DomainError, forbidden } from "../errors";
import type { GraphQLContext } from "../graphql/context";
import { actorOf } from "../graphql/principal";
import { microsToEur4 } from "../money";
import type { ChatRefusal } from "./ai-proxy.service";
import { draftChat } from "./chat-request";
import { ChatInput, ChatResult } from "./chat.types";
import { UpstreamStatusError, UpstreamUnreachableError } from "./upstream";

@Resolver()
export class ChatResolver {
  @Mutation(() => ChatResult, {
    description: "Calls an AI provider on the platform's keys for the calling license key (plans with ai_included)",
  })
  async chat(@Arg("input", () => ChatInput) input: ChatInput, @Ctx() ctx: GraphQLContext): Promise<ChatResult> {
    if (ctx.principal.kind !== "license") throw forbidden();
    const { license, plan, customer } = ctx.principal;
    const proxy = ctx.services.aiProxy;
    const body = {
      messages: input.messages.map(({ role, content }) => ({ role, content })),
      api_provider: input.provider,
      model: input.model,
      max_tokens: input.maxTokens,
      temperature: input.temperature,
    };
    const admitted = await proxy.admit({ valid: true, license, plan, customer }, draftChat(body, plan), {
      actor: actorOf(ctx.principal, ctx.ip),
    });
    if (!admitted.ok) throw refusalError(admitted.refusal);
    const { call } = admitted.admission;
    try {
      const answer = await proxy.complete(admitted.admission, { endpoint: `/graphql/chat/${call.provider}`, ip: ctx.ip, userAgent: null });
      const { usage } = answer;
      return {
        text: answer.text,
        provider: call.provider,
        model: call.model,
        response:
          typeof answer.body === "object" && answer.body !== null
            ? (answer.body as Record<string, unknown>)
            : { text: String(answer.body) },
        usage: { ...usage, tokens: usage.promptTokens + usage.completionTokens, costEur: microsToEur4(usage.costMicros) },
      };
    } catch (error) {
      if (error instanceof UpstreamStatusError)
        throw new DomainError("PROVIDER_ERROR", "AI service error", { status: error.status, details: error.bodyText });
      if (error instanceof UpstreamUnreachableError)
        throw new DomainError("PROVIDER_ERROR", "Request failed", { status: null, reason: error.reason });
      throw error;
    }
  }
}

/** The REST refusals of §6.4, in GraphQL's vocabulary; `reason` carries the REST code. */
function refusalError(refusal: ChatRefusal): DomainError {
  switch (refusal.kind) {
    case "ai_not_included":
      return new DomainError("FORBIDDEN", "AI not included in your plan", { reason: "AI_NOT_INCLUDED", plan: refusal.plan.name });
    case "limit": {
      const retryAfter = refusal.retryAfter;
      if (refusal.limit === "monthly_budget")
        return new DomainError("BUDGET_EXCEEDED", "Monthly budget exceeded", {
          reason: "BUDGET_EXCEEDED",
          resetAt: refusal.resetAt.toISOString(),
        });
      const reason = { monthly_requests: "MONTHLY_LIMIT", requests_per_minute: "MINUTE_LIMIT", requests_per_hour: "HOUR_LIMIT" }[
        refusal.limit
      ];
      return new DomainError("RATE_LIMITED", "Usage limit reached", { reason, retryAfter, resetAt: refusal.resetAt.toISOString() });
    }
    case "invalid":
      return refusal.problem.code === "MODEL_NOT_ALLOWED"
        ? new DomainError("FORBIDDEN", refusal.problem.error, { reason: "MODEL_NOT_ALLOWED", ...refusal.problem.details })
        : new DomainError("BAD_USER_INPUT", refusal.problem.error);
    case "site":
      return new DomainError("BAD_USER_INPUT", "Invalid site");
    case "not_configured":
      return new DomainError("SERVICE_UNAVAILABLE", `${refusal.provider} not configured`, { reason: "PROVIDER_NOT_CONFIGURED" });
  }
}
