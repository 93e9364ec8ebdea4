import { DEFAULT_MODELS, type Provider } from "../../ai/providers";
import type { Plan } from "./plan.model";

/*
 * What a plan allows, as pure functions of the plan (DOMAIN.md "Plan tiers and the AI proxy"). The permission map,
 * the AI proxy and the OpenAI-compatible surface all ask these, so they cannot disagree.
 */

/** The AI proxy spends the platform's keys only for plans with `ai_included` (not starter, which brings its own key). */
export const includesAi = (plan: Pick<Plan, "features">): boolean => plan.features.includes("ai_included");

/** The OpenAI-compatible API (/v1) also needs `api_access`. */
export const hasApiAccess = (plan: Pick<Plan, "features">): boolean => includesAi(plan) && plan.features.includes("api_access");

/** The models a plan allows for a provider: its allow-list, or the provider's default model when the list is empty. */
export function modelsAllowed(plan: Pick<Plan, "allowed_models"> | null | undefined, provider: Provider): string[] {
  const listed = plan?.allowed_models?.[provider] ?? [];
  return listed.length > 0 ? listed : [DEFAULT_MODELS[provider]];
}

/** The model a request asked for, or the provider's default when it named none. */
export const requestedModel = (provider: Provider, model: unknown): string =>
  typeof model === "string" ? model : DEFAULT_MODELS[provider];
