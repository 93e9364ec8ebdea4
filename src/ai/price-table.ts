import type { Plan } from "../modules/plans/plan.model";
import type { Provider } from "./providers";

/** EUR per million tokens, which is also micro-euros per token. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Keyed `<provider>/<model>`, e.g. `openai/gpt-4o-mini`. */
export type PriceTable = Record<string, ModelPrice>;

/**
 * The providers' list prices for the models the seeded plans allow, in EUR (USD list prices of 2025 at
 * 0.92 EUR/USD). `AI_PRICES` adds models or replaces these without a release (see the README).
 */
export const DEFAULT_PRICES: PriceTable = {
  "openai/gpt-4o-mini": { input: 0.138, output: 0.552 },
  "openai/gpt-4o": { input: 2.3, output: 9.2 },
  "anthropic/claude-3-haiku-20240307": { input: 0.23, output: 1.15 },
  "anthropic/claude-3-5-haiku-20241022": { input: 0.736, output: 3.68 },
  "deepseek/deepseek-chat": { input: 0.2484, output: 1.012 },
};

export interface TokenCounts {
  prompt: number;
  completion: number;
}

/** Prices calls: the table for known models, the plan's flat rate per 1,000 tokens otherwise (the v2.1 rule). */
export class PriceList {
  private readonly prices: PriceTable;

  constructor(overrides: PriceTable = {}) {
    this.prices = { ...DEFAULT_PRICES, ...overrides };
  }

  private priceOf(provider: Provider, model: string): ModelPrice | undefined {
    return this.prices[`${provider}/${model}`];
  }

  /** The cost of a call in whole micro-euros (rounded up: a call is never free because it was small). */
  costMicros(plan: Plan, provider: Provider, model: string, tokens: TokenCounts): number {
    const price = this.priceOf(provider, model);
    const exact = price
      ? tokens.prompt * price.input + tokens.completion * price.output
      : ((tokens.prompt + tokens.completion) / 1000) * plan.cost_per_1k_tokens_micros;
    return Math.ceil(exact);
  }
}
