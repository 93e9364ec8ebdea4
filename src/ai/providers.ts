/** The AI providers the platform calls with its own keys (plugin contract §6.4). */
export const PROVIDERS = ["openai", "anthropic", "deepseek"] as const;
export type Provider = (typeof PROVIDERS)[number];

export function isProvider(value: unknown): value is Provider {
  return (PROVIDERS as readonly unknown[]).includes(value);
}

/** The model used when a request names none, and the only one allowed when a plan lists none (§6.4). */
export const DEFAULT_MODELS: Record<Provider, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-3-haiku-20240307",
  deepseek: "deepseek-chat",
};

/** The providers' public endpoints; `*_BASE_URL` replaces them (tests, self-hosted gateways). */
export const DEFAULT_BASE_URLS: Record<Provider, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  deepseek: "https://api.deepseek.com/v1",
};
