/**
 * Everything haigpt knows about Azure api-version strings (AZURE-FACTS §3.1, §3.2): parsing them, the v1
 * surface's names, and whether one supports a feature (the parameter table's and the operations' `since`).
 */

/** A dated GA (`2024-10-21`), a dated preview (`2024-09-01-preview`), or one that supports everything. */
export type ApiVersion =
  | { readonly kind: "ga"; readonly date: string }
  | { readonly kind: "preview"; readonly date: string }
  | { readonly kind: "all" };

/** When a feature arrived: the date of its first preview and of its first dated GA (`null`: never GA-dated). */
export interface FeatureIntroduction {
  readonly firstPreview: string;
  readonly firstGa: string | null;
}

const DATED = /^(\d{4}-\d{2}-\d{2})(-preview)?$/;

/**
 * Parses an api-version. `v1`, `preview` and `latest` are the undated surfaces, which support everything;
 * a version in any other format also counts as supporting everything, so haigpt never drops a parameter
 * on a guess and Azure has the last word.
 */
export function parseApiVersion(apiVersion: string): ApiVersion {
  const match = DATED.exec(apiVersion.trim());
  if (!match?.[1]) return { kind: "all" };
  return match[2] ? { kind: "preview", date: match[1] } : { kind: "ga", date: match[1] };
}

/** Whether a version supports a feature. ISO dates compare correctly as strings. */
export function supportsFeature(version: ApiVersion, feature: FeatureIntroduction): boolean {
  if (version.kind === "all") return true;
  if (version.kind === "preview") return version.date >= feature.firstPreview;
  return feature.firstGa !== null && version.date >= feature.firstGa;
}

/** Whether an api-version names the v1 surface: `v1`, or its `preview`/`latest` channels. */
export function isV1Surface(apiVersion: string): boolean {
  return apiVersion === "v1" || apiVersion === "preview" || apiVersion === "latest";
}

/**
 * Whether an api-version offers a whole operation: the v1 surface does, a dated one from the feature's
 * introduction on; one in no known format does not (an operation is not tried where it may be missing,
 * unlike a parameter, which is sent and left to Azure).
 */
export function offersFeature(apiVersion: string, feature: FeatureIntroduction): boolean {
  if (isV1Surface(apiVersion)) return true;
  const version = parseApiVersion(apiVersion);
  return version.kind !== "all" && supportsFeature(version, feature);
}
