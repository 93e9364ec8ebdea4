import { Billing, type AllowedModels } from "./plan.model";

const AI_MODELS: AllowedModels = { openai: ["gpt-4o-mini"], anthropic: ["claude-3-haiku-20240307"], deepseek: ["deepseek-chat"] };
const FLAT_RATE_MICROS = 1500; // 0.0015 EUR per 1,000 tokens (the v2.1 rule)

/** The four plans of the plugin contract (§3), inserted when the plans collection is empty. */
export const PLAN_SEED = [
  {
    name: "starter", display_name: "Starter - BYOK", price_cents: 299, billing: Billing.monthly, max_sites: 1,
    features: ["bring_your_own_key", "1_site", "basic_support", "community_access"],
    monthly_requests: 0, requests_per_minute: 0, requests_per_hour: 0, monthly_budget_micros: 0, cost_per_1k_tokens_micros: 0,
    max_tokens: 1000, allowed_models: {}, is_lifetime: false,
  },
  {
    name: "pro", display_name: "Pro - AI Inclusa", price_cents: 799, billing: Billing.monthly, max_sites: 3,
    features: ["ai_included", "3_sites", "priority_support", "advanced_features", "no_api_key_needed"],
    monthly_requests: 1000, requests_per_minute: 10, requests_per_hour: 200, monthly_budget_micros: 4_000_000,
    cost_per_1k_tokens_micros: FLAT_RATE_MICROS, max_tokens: 2048, allowed_models: AI_MODELS, is_lifetime: false,
  },
  {
    name: "agency", display_name: "Agency - White Label", price_cents: 1999, billing: Billing.monthly, max_sites: -1,
    features: ["ai_included", "unlimited_sites", "white_label", "dedicated_support", "custom_branding", "api_access"],
    monthly_requests: 5000, requests_per_minute: 25, requests_per_hour: 500, monthly_budget_micros: 10_000_000,
    cost_per_1k_tokens_micros: FLAT_RATE_MICROS, max_tokens: 4096, allowed_models: AI_MODELS, is_lifetime: false,
  },
  {
    name: "founders", display_name: "Founders Deal - Lifetime", price_cents: 2900, billing: Billing.lifetime, max_sites: 5,
    features: ["ai_included", "5_sites", "lifetime_license", "priority_support", "advanced_features", "no_api_key_needed", "founders_badge", "early_access"],
    monthly_requests: 2000, requests_per_minute: 15, requests_per_hour: 300, monthly_budget_micros: 6_000_000,
    cost_per_1k_tokens_micros: FLAT_RATE_MICROS, max_tokens: 2048, allowed_models: AI_MODELS,
    is_lifetime: true, lifetime_limit: 500, lifetime_sold: 0, is_limited_offer: true, offer_expires_at: null,
    metadata: {
      description: "Limited lifetime offer for the first 500 users",
      marketing_text: "Get lifetime access for just €29 - Limited to first 500 users!",
      fomo_text: "Only available for the first 500 customers",
      bootstrap_revenue: 14500.0,
      target_conversion: 0.05,
    },
  },
].map((plan) => ({ currency: "EUR", is_active: true, ...plan }));
