/**
 * TypeBox schemas of config.json and the resolved configuration type the app runs on. Plain TypeBox,
 * not Elysia's `t`: `t.Integer` also accepts numeric strings (right for query strings, wrong for a file).
 */
import { Type as t } from "@sinclair/typebox";
import type { Upstream } from "../routing/upstream.ts";

/** One Azure key in config.json, in the original design's format. */
export const FileAzureKey = t.Object({
  resourceId: t.String({ minLength: 1 }),
  /** OpenAI model name → Azure deployment name; "*" is the catch-all. */
  deployment: t.Record(t.String(), t.String({ minLength: 1 })),
  apiKey: t.String({ minLength: 1 }),
  apiVersion: t.Optional(t.String({ minLength: 1 })),
  /** Full base URL of the resource, when it is not `HAIGPT_AZURE_ENDPOINT` with the resource id filled in. */
  endpoint: t.Optional(t.String({ minLength: 1 })),
});

/** How haigpt signs in to an upstream without an API key; which fields apply depends on `type`. */
export const FileUpstreamAuth = t.Object({
  type: t.Union([t.Literal("entra"), t.Literal("managedIdentity")]),
  tenantId: t.Optional(t.String({ minLength: 1 })),
  clientId: t.Optional(t.String({ minLength: 1 })),
  clientSecret: t.Optional(t.String({ minLength: 1 })),
  authorityHost: t.Optional(t.String({ minLength: 1 })),
});

/** One entry of `upstreams`: a key object plus its name and place in the routing order. */
export const FileUpstream = t.Object({
  name: t.String({ minLength: 1 }),
  resourceId: t.String({ minLength: 1 }),
  deployment: t.Record(t.String(), t.String({ minLength: 1 })),
  apiKey: t.Optional(t.String({ minLength: 1 })),
  apiVersion: t.Optional(t.String({ minLength: 1 })),
  endpoint: t.Optional(t.String({ minLength: 1 })),
  priority: t.Optional(t.Integer({ minimum: 0, maximum: 1000 })),
  weight: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
  auth: t.Optional(FileUpstreamAuth),
});
export type FileUpstream = typeof FileUpstream.static;

export const FileUserToken = t.Object({
  userId: t.String({ minLength: 1 }),
  token: t.String({ minLength: 1 }),
});

export const LogLevel = t.Union([
  t.Literal("debug"),
  t.Literal("info"),
  t.Literal("warn"),
  t.Literal("error"),
  t.Literal("silent"),
]);
export type LogLevel = typeof LogLevel.static;

/** How faithfully answers are made to look like OpenAI's: `strict` (default) or `azure` (keep Azure's fields and names). */
export const CompatModeSchema = t.Union([t.Literal("strict"), t.Literal("azure")]);

/** Whether request parameters are adapted to each key's api-version (`adapt`, default) or sent as they are. */
export const ParamsModeSchema = t.Union([t.Literal("adapt"), t.Literal("passthrough")]);

/** config.json: the keys and tokens of the original design plus every server setting in camelCase. */
export const FileConfig = t.Object({
  primaryApiKey: t.Optional(FileAzureKey),
  secondaryApiKey: t.Optional(FileAzureKey),
  upstreams: t.Optional(t.Array(FileUpstream)),
  userTokens: t.Optional(t.Array(FileUserToken)),
  azureEndpoint: t.Optional(t.String({ minLength: 1 })),
  apiVersion: t.Optional(t.String({ minLength: 1 })),
  maxRetries: t.Optional(t.Integer({ minimum: 0, maximum: 20 })),
  retryBaseMs: t.Optional(t.Integer({ minimum: 0, maximum: 600_000 })),
  retryMaxDelayMs: t.Optional(t.Integer({ minimum: 0, maximum: 600_000 })),
  firstByteTimeoutMs: t.Optional(t.Integer({ minimum: 1, maximum: 3_600_000 })),
  port: t.Optional(t.Integer({ minimum: 0, maximum: 65_535 })),
  host: t.Optional(t.String({ minLength: 1 })),
  allowClientCredentials: t.Optional(t.Boolean()),
  allowAnonymous: t.Optional(t.Boolean()),
  logLevel: t.Optional(LogLevel),
  compat: t.Optional(CompatModeSchema),
  params: t.Optional(ParamsModeSchema),
  maxBodyBytes: t.Optional(t.Integer({ minimum: 1024, maximum: 512 * 1024 * 1024 })),
  corsOrigins: t.Optional(t.String({ minLength: 1 })),
  shutdownGraceMs: t.Optional(t.Integer({ minimum: 0, maximum: 600_000 })),
  breakerFailures: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
  breakerCooldownMs: t.Optional(t.Integer({ minimum: 0, maximum: 3_600_000 })),
});
export type FileConfig = typeof FileConfig.static;

/** A resolved Azure key: everything needed to call one Azure OpenAI resource. */
export interface AzureKey {
  readonly resourceId: string;
  readonly apiKey: string;
  readonly apiVersion: string;
  /** Base URL without a trailing slash, e.g. `https://gpt1.openai.azure.com`. */
  readonly endpoint: string;
  /** OpenAI model name → Azure deployment name; "*" is the catch-all. */
  readonly deployments: Readonly<Record<string, string>>;
}

export interface UserToken {
  readonly userId: string;
  readonly token: string;
}

/** Where a part of the configuration came from, for the start-up line. */
export interface ConfigSources {
  readonly primary: string | null;
  readonly secondary: string | null;
  readonly userTokens: string | null;
}

/** The whole configuration, built and validated once at start-up, then frozen. */
export interface AppConfig {
  readonly primary: AzureKey | null;
  readonly secondary: AzureKey | null;
  /** The `upstreams` of config.json; `listUpstreams` adds the primary and secondary keys to them. */
  readonly upstreams: readonly Upstream[];
  readonly userTokens: readonly UserToken[];
  readonly sources: ConfigSources;
  readonly configPath: string | null;
  /** Endpoint template for keys without their own endpoint; `{resourceId}` is replaced. */
  readonly azureEndpoint: string;
  /** api-version for keys and credential strings that name none. */
  readonly apiVersion: string;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  readonly firstByteTimeoutMs: number;
  readonly port: number;
  readonly host: string;
  readonly allowClientCredentials: boolean;
  readonly allowAnonymous: boolean;
  readonly logLevel: LogLevel;
  readonly compat: typeof CompatModeSchema.static;
  readonly params: typeof ParamsModeSchema.static;
  /** Largest request body accepted (uploads included), in bytes. */
  readonly maxBodyBytes: number;
  /** Origins browsers may call from: `*`, a comma-separated list, or `off`. */
  readonly corsOrigins: string;
  /** How long a stopping server waits for requests in progress. */
  readonly shutdownGraceMs: number;
  /** Consecutive failures that open an upstream's circuit. */
  readonly breakerFailures: number;
  /** How long an open circuit stays open before one request probes it. */
  readonly breakerCooldownMs: number;
}
