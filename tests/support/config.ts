/** Builds configurations the way start-up does, from environment variables. */
import { loadConfig } from "../../src/config/load-config.ts";
import type { AppConfig } from "../../src/config/schema.ts";

export async function configFrom(env: Record<string, string>): Promise<AppConfig> {
  const { config } = await loadConfig({ env, argv: [], defaultConfigPath: "/nonexistent/haigpt/config.json" });
  return config;
}
