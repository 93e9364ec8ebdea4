import { performance } from "node:perf_hooks";
import { CallTimer } from "../../ai/call-timer";
import type { ProviderRegistry } from "../../ai/provider-registry";
import { DEFAULT_MODELS, isProvider, PROVIDERS, type Provider } from "../../ai/providers";
import { parseJson, UpstreamStatusError, UpstreamUnreachableError } from "../../ai/upstream";
import type { AiConfig } from "../../config";
import type { Models } from "../../db/models";
import { badInput } from "../../errors";
import type { Secrets } from "../../security/secrets";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { ProviderKeySource, ProviderKeyTest } from "./provider-key-test.types";

/** A key test waits this long at most: an operator is looking at a spinner, not a chat answer. */
export const KEY_TEST_TIMEOUT_MS = 10_000;
/** The longest provider message passed on (a provider's HTML error page is not a message). */
const MESSAGE_MAX_CHARS = 300;

/**
 * Tests a provider key with the smallest real call: one user word, at most one output token, the provider's default
 * model, through the same client the AI proxy uses (so the same base URL and key: a stored key wins over the
 * environment's). The call is not metered (it is the platform's, not a license's) but is in the activity log.
 */
export class ProviderKeyTester {
  constructor(
    private readonly models: Models,
    private readonly secrets: Secrets,
    private readonly registry: ProviderRegistry,
    private readonly config: AiConfig,
    private readonly activity: ActivityService,
  ) {}

  async test(providerName: string, actor: Actor): Promise<ProviderKeyTest> {
    if (!isProvider(providerName)) throw badInput(`provider must be one of ${PROVIDERS.join(", ")}`, { provider: providerName });
    const provider: Provider = providerName;
    const model = DEFAULT_MODELS[provider];
    const key = await this.keyInUse(provider);
    const base = { provider, model, keySource: key?.source ?? "none" };
    const result = key ? await this.call(provider, model, key.value) : { ...noKey(provider), latencyMs: 0 };
    await this.activity.record(actor, {
      action: "provider_key.tested",
      details: { provider, model, ok: result.ok, keySource: base.keySource, latencyMs: result.latencyMs },
    });
    return { ...base, ...result };
  }

  /** Per provider, which key AI calls use: a stored one, the environment's, or none. */
  async sources(): Promise<ProviderKeySource[]> {
    const stored = await this.models.ApiKey.find({ is_active: true }, { provider: 1 }).lean<Array<{ provider: string }>>().exec();
    return PROVIDERS.map((provider) => ({
      provider,
      defaultModel: DEFAULT_MODELS[provider],
      keySource: stored.some((key) => key.provider === provider)
        ? "stored"
        : this.config.providers[provider].apiKey === undefined
          ? "none"
          : "environment",
    }));
  }

  private async call(
    provider: Provider,
    model: string,
    apiKey: string,
  ): Promise<Omit<ProviderKeyTest, "provider" | "model" | "keySource">> {
    const upstream = await this.registry.upstreamFor(provider);
    if (!upstream) return { ...noKey(provider), latencyMs: 0 };
    const timer = new CallTimer(KEY_TEST_TIMEOUT_MS);
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      const response = await upstream.send(
        { provider, model, messages: [{ role: "user", content: "Hi" }], maxTokens: 1, temperature: 0, stream: false },
        timer.signal,
      );
      await response.arrayBuffer();
      const latencyMs = elapsed();
      return { ok: true, latencyMs, message: `${label(provider)} accepted the key: ${model} answered in ${latencyMs} ms.` };
    } catch (error) {
      const latencyMs = elapsed();
      return { ok: false, latencyMs, message: hideKey(failureMessage(provider, error), apiKey) };
    } finally {
      timer.stop();
    }
  }

  /** The key the proxy would use (ProviderRegistry's rule), only to keep it out of the provider's message. */
  private async keyInUse(provider: Provider): Promise<{ value: string; source: "stored" | "environment" } | undefined> {
    const stored = await this.models.ApiKey.findOne({ provider, is_active: true }, { key_encrypted: 1 })
      .lean<{ key_encrypted: string }>()
      .exec();
    if (stored) return { value: this.secrets.decrypt(stored.key_encrypted), source: "stored" };
    const fromEnvironment = this.config.providers[provider].apiKey;
    return fromEnvironment === undefined ? undefined : { value: fromEnvironment, source: "environment" };
  }
}

const LABELS: Record<Provider, string> = { openai: "OpenAI", anthropic: "Anthropic", deepseek: "DeepSeek" };
const label = (provider: Provider): string => LABELS[provider];

function noKey(provider: Provider): { ok: false; message: string } {
  return { ok: false, message: `No ${label(provider)} key: set one here, or ${provider.toUpperCase()}_API_KEY in the environment.` };
}

function failureMessage(provider: Provider, error: unknown): string {
  if (error instanceof UpstreamStatusError)
    return `${label(provider)} refused the call (HTTP ${error.status}): ${providerMessage(error.bodyText)}`;
  if (error instanceof UpstreamUnreachableError && error.reason === "timeout")
    return `${label(provider)} did not answer within ${KEY_TEST_TIMEOUT_MS / 1000} s.`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${label(provider)} could not be reached${cause}. Check the network and ${provider.toUpperCase()}_BASE_URL.`;
}

/** OpenAI, DeepSeek and Anthropic all put it in `error.message`; otherwise the start of the body. */
function providerMessage(bodyText: string): string {
  const body = parseJson(bodyText) as { error?: { message?: unknown } } | undefined;
  const message = typeof body?.error?.message === "string" ? body.error.message : bodyText.trim() || "(no message)";
  return message.length > MESSAGE_MAX_CHARS ? `${message.slice(0, MESSAGE_MAX_CHARS)}…` : message;
}

/** A provider may quote the key it refused; the key never leaves the platform, so it is cut out. */
function hideKey(message: string, apiKey: string): string {
  return message.split(apiKey).join("[the key]");
}
