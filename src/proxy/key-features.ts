/**
 * Compares the api-versions of the primary and secondary key: what one offers that the other lacks, for
 * the start-up warning (a request using such a feature never fails over, or loses a hint, and nothing else
 * would say why).
 */
import type { AzureKey } from "../config/schema.ts";
import { OPERATIONS } from "./operations.ts";
import { parseApiVersion, supportsFeature } from "../compat/api-version.ts";
import { PARAM_RULES } from "../compat/param-table.ts";

/** Feature names a key's api-version offers, from the parameter table and the operation table. */
function featuresOf(key: AzureKey): Set<string> {
  const version = parseApiVersion(key.apiVersion);
  const features = new Set<string>();
  for (const rule of PARAM_RULES) if (supportsFeature(version, rule.since)) features.add(rule.params.join("/"));
  for (const op of OPERATIONS) if (op.offeredIn(key.apiVersion)) features.add(op.path);
  return features;
}

function describe(name: "primary" | "secondary", key: AzureKey, missing: string[], other: AzureKey): string {
  return `the ${name} key's api-version ${key.apiVersion} lacks ${missing.join(", ")}, which the ` +
    `${name === "primary" ? "secondary" : "primary"} key's ${other.apiVersion} has: requests using them ` +
    `${name === "primary" ? "go to the secondary only" : "are not failed over"} (or lose those parameters). ` +
    "Give both keys the same api-version (e.g. 2025-04-01-preview or v1) unless that is intended";
}

/** One warning per key that lacks features the other key has; none with a single key. */
export function warnKeyFeatureGaps(primary: AzureKey | null, secondary: AzureKey | null): string[] {
  if (!primary || !secondary) return [];
  const ofPrimary = featuresOf(primary);
  const ofSecondary = featuresOf(secondary);
  const warnings: string[] = [];
  const primaryLacks = [...ofSecondary].filter((feature) => !ofPrimary.has(feature));
  const secondaryLacks = [...ofPrimary].filter((feature) => !ofSecondary.has(feature));
  if (primaryLacks.length) warnings.push(describe("primary", primary, primaryLacks, secondary));
  if (secondaryLacks.length) warnings.push(describe("secondary", secondary, secondaryLacks, primary));
  return warnings;
}
