/** What a request's access means for its user's limits: who is limited, and which models they may see. */
import type { LimitedUser } from "../limits/request-limits.ts";
import { visibleModels, type UserLimits } from "../limits/user-limits.ts";
import { listModelNames } from "../upstream/model-map.ts";
import type { Access } from "./resolve-access.ts";

/** The limits of the request's user; null for anonymous and pure-proxy requests (they have none). */
export function limitsOf(access: Access): UserLimits | null {
  return access.mode === "user" ? (access.limits ?? null) : null;
}

/** The request's user as the limits see them; null when the request has no limits. */
export function limitedUserOf(access: Access): LimitedUser | null {
  if (access.mode !== "user" || !access.limits) return null;
  return { userId: access.userId, limits: access.limits, modelNames: () => listModelNames(access.keys) };
}

/** The model names a request may see: its keys' models, narrowed to the user's allow-list. */
export function modelsVisibleTo(access: Access): string[] {
  const names = listModelNames(access.keys);
  const limits = limitsOf(access);
  return limits ? visibleModels(limits, names) : names;
}
