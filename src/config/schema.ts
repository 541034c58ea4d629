/**
 * TypeBox schemas of config.json and the resolved configuration type the app runs on. Plain TypeBox,
 * not Elysia's `t`: `t.Integer` also accepts numeric strings (right for query strings, wrong for a file).
 */
import { Type as t } from "@sinclair/typebox";
import type { UserLimits } from "../limits/user-limits.ts";
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

/** Per-user limits a token may carry; src/limits/user-limits.ts says what each means. */
const userLimitFields = {
  models: t.Optional(t.Array(t.String({ minLength: 1 }), { minItems: 1 })),
  rpm: t.Optional(t.Integer({ minimum: 1 })),
  tpm: t.Optional(t.Integer({ minimum: 1 })),
  maxConcurrent: t.Optional(t.Integer({ minimum: 1 })),
  monthlyTokens: t.Optional(t.Integer({ minimum: 1 })),
};

/** A user and either the token itself or `tokenSha256`, the lowercase hex SHA-256 of its UTF-8 bytes; limits optional. */
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
  token: t.Optional(t.String({ minLength: 1 })),
  tokenSha256: t.Optional(t.String({ minLength: 1 })),
  ...userLimitFields,
});

export const LogLevel = t.Union([
  t.Literal("debug"),
  t.Literal("info"),
  t.Literal("warn"),
  t.Literal("error"),
  t.Literal("silent"),
]);
export type LogLevel = typeof LogLevel.static;

/** `json`: one JSON object a line (for log collectors); `pretty`: one readable line (for a terminal). */
export const LogFormat = t.Union([t.Literal("json"), t.Literal("pretty")]);
export type LogFormat = typeof LogFormat.static;

/** How faithfully answers are made to look like OpenAI's: `strict` (default) or `azure` (keep Azure's fields and names). */
export const CompatModeSchema = t.Union([t.Literal("strict"), t.Literal("azure")]);

/** Whether request parameters are adapted to each key's api-version (`adapt`, default) or sent as they are. */
export const ParamsModeSchema = t.Union([t.Literal("adapt"), t.Literal("passthrough")]);

/** config.json: the keys and tokens of the original design plus every server setting in camelCase. */
export const FileConfig = t.Object({
  /** Lets editors find config.schema.json; haigpt ignores it. */
  $schema: t.Optional(t.String()),
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
  streamIdleTimeoutMs: t.Optional(t.Integer({ minimum: 1, maximum: 3_600_000 })),
  requestTimeoutMs: t.Optional(t.Integer({ minimum: 1, maximum: 86_400_000 })),
  maxUpstreamConnections: t.Optional(t.Integer({ minimum: 1, maximum: 65_535 })),
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
  logFormat: t.Optional(LogFormat),
  adminToken: t.Optional(t.String({ minLength: 1 })),
  /** Shared state for replicas (`redis://` or `rediss://`); without it, state is in the SQLite file. */
  redisUrl: t.Optional(t.String({ minLength: 1 })),
  /** Directory of the SQLite state file. */
  dataDir: t.Optional(t.String({ minLength: 1 })),
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

/** A user token: exactly one of `token` and `tokenSha256` (checked at start-up), and its limits. */
export interface UserToken extends UserLimits {
  readonly userId: string;
  readonly token?: string;
  readonly tokenSha256?: string;
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
  /** From the whole request sent until Azure's answer decides the attempt. */
  readonly firstByteTimeoutMs: number;
  /** Longest silence allowed in a stream or a non-streamed body once the attempt is decided. */
  readonly streamIdleTimeoutMs: number;
  /** Bounds all attempts, waits and failover of one request together. */
  readonly requestTimeoutMs: number;
  /** Upstream requests the runtime may run at once (Bun: BUN_CONFIG_MAX_HTTP_REQUESTS). */
  readonly maxUpstreamConnections: number;
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
  readonly logFormat: LogFormat;
  /** Bearer token for /metrics and /admin/*; null keeps them hidden (404). */
  readonly adminToken: string | null;
  /** Redis for state shared by replicas; null keeps state in the SQLite file under `dataDir`. */
  readonly redisUrl: string | null;
  /** Directory of the SQLite state file (created when missing). */
  readonly dataDir: string;
  /** Consecutive failures that open an upstream's circuit. */
  readonly breakerFailures: number;
  /** How long an open circuit stays open before one request probes it. */
  readonly breakerCooldownMs: number;
}
