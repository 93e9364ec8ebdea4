import { startAnthropicStub, startOpenAIStub, type ProviderStub } from "./ai-stubs";
import type { Clock } from "../../src/clock";
import { startTestPlatform, type TestPlatform } from "./platform";

export interface AiPlatform extends TestPlatform {
  /** The local stand-ins for the providers (DeepSeek speaks OpenAI's format, so it gets an OpenAI stub). */
  stubs: { openai: ProviderStub; anthropic: ProviderStub; deepseek: ProviderStub };
}

/**
 * The platform with its three providers pointed at local stub servers (nothing reaches the internet), keys from
 * the environment, and route throttling off unless `env` says otherwise: these tests are about the AI limits.
 */
export async function startAiPlatform(
  options: { env?: Record<string, string>; clock?: Clock; backgroundWork?: boolean } = {},
): Promise<AiPlatform> {
  const [openai, anthropic, deepseek] = await Promise.all([startOpenAIStub(), startAnthropicStub(), startOpenAIStub()]);
  const platform = await startTestPlatform({
    env: {
      THROTTLE: "off",
      OPENAI_API_KEY: "sk-test-openai-0000",
      ANTHROPIC_API_KEY: "sk-ant-test-0000",
      DEEPSEEK_API_KEY: "sk-test-deepseek-0000",
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DEEPSEEK_BASE_URL: deepseek.baseUrl,
      ...options.env,
    },
    clock: options.clock,
    backgroundWork: options.backgroundWork,
  });
  return {
    ...platform,
    stubs: { openai, anthropic, deepseek },
    async stop() {
      await platform.stop();
      await Promise.all([openai.close(), anthropic.close(), deepseek.close()]);
    },
  };
}
