import type { AiConfig } from "../config";
import type { Models } from "../db/models";
import type { ApiKey } from "../modules/provider-keys/api-key.model";
import type { Secrets } from "../security/secrets";
import { TtlCache } from "../security/ttl-cache";
import { AnthropicUpstream } from "./anthropic.upstream";
import { OpenAIUpstream } from "./openai.upstream";
import { DEFAULT_BASE_URLS, PROVIDERS, type Provider } from "./providers";
import type { Upstream } from "./upstream";

// A key saved with setProviderKey reaches every instance within this time (the contract's 5 s for changes).
const STORED_KEY_TTL_MS = 5_000;
const ALL = "all";

/**
 * The platform's own provider credentials: a key stored (encrypted) with setProviderKey wins over the
 * environment's `*_API_KEY`. SDK clients are kept per key, so a rotated key gets a fresh client.
 */
export class ProviderRegistry {
  private readonly storedKeys = new TtlCache<string, ApiKey[]>(STORED_KEY_TTL_MS);
  private readonly clients = new Map<string, Upstream>();

  constructor(
    private readonly models: Models,
    private readonly secrets: Secrets,
    private readonly config: AiConfig,
  ) {}

  /** The provider's client, or undefined when the platform has no key for it (contract §6.4 row 16). */
  async upstreamFor(provider: Provider): Promise<Upstream | undefined> {
    const apiKey = await this.keyOf(provider);
    if (apiKey === undefined) return undefined;
    const baseUrl = this.config.providers[provider].baseUrl ?? DEFAULT_BASE_URLS[provider];
    const id = `${provider}\n${baseUrl}\n${apiKey}`;
    let client = this.clients.get(id);
    if (!client) {
      client = provider === "anthropic" ? new AnthropicUpstream(apiKey, baseUrl) : new OpenAIUpstream(apiKey, baseUrl);
      if (this.clients.size >= 32) this.clients.clear();
      this.clients.set(id, client);
    }
    return client;
  }

  /** Which providers have a key (for /api/health); nothing is decrypted. */
  async configured(): Promise<Record<Provider, boolean>> {
    const stored = await this.stored();
    return Object.fromEntries(
      PROVIDERS.map((provider) => [
        provider,
        stored.some((key) => key.provider === provider) || this.config.providers[provider].apiKey !== undefined,
      ]),
    ) as Record<Provider, boolean>;
  }

  /** Forgets the stored keys read so far (this instance sees a key set here at once, others within 5 s). */
  forgetStoredKeys(): void {
    this.storedKeys.delete(ALL);
  }

  private async keyOf(provider: Provider): Promise<string | undefined> {
    const key = (await this.stored()).find((entry) => entry.provider === provider);
    return key ? this.secrets.decrypt(key.key_encrypted) : this.config.providers[provider].apiKey;
  }

  private stored(): Promise<ApiKey[]> {
    return this.storedKeys.get(ALL, () => this.models.ApiKey.find({ is_active: true }).lean<ApiKey[]>().exec());
  }
}
