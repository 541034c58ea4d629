/** An Azure upstream: one resource haigpt may send a request to, with its place in the routing order. */

/** How haigpt authenticates to an upstream: its key, or a Microsoft Entra ID token. */
export type UpstreamAuth =
  | { readonly type: "apiKey"; readonly apiKey: string }
  | {
      readonly type: "entra";
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** Base URL of the authority without a trailing slash, e.g. `https://login.microsoftonline.com`. */
      readonly authorityHost: string;
    }
  | { readonly type: "managedIdentity"; readonly clientId?: string };

/** One upstream, resolved from config: everything needed to route to it and call it. */
export interface Upstream {
  /** Unique; what `x-haigpt-upstream`, the logs and `/admin/upstreams` show. */
  readonly name: string;
  readonly resourceId: string;
  /** Base URL without a trailing slash, e.g. `https://contoso-east.openai.azure.com`. */
  readonly endpoint: string;
  readonly apiVersion: string;
  /** OpenAI model name → Azure deployment name; "*" is the catch-all. */
  readonly deployments: Readonly<Record<string, string>>;
  /** Lower is tried first; upstreams with the same priority share the load by weight. */
  readonly priority: number;
  /** Relative share of requests within the priority group (a positive whole number). */
  readonly weight: number;
  readonly auth: UpstreamAuth;
  /** Where it was configured, e.g. `config file ./config.json` or `environment variable PrimaryApiKey`. */
  readonly source: string;
}

/** What an upstream name may be: it appears in a response header, log lines and metric labels. */
const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether `name` can name an upstream. */
export function isUpstreamName(name: string): boolean {
  return UPSTREAM_NAME.test(name);
}
