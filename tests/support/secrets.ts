/**
 * Every fixed secret the tests use (Azure keys, user tokens, admin tokens, client secrets), in one
 * place: tests import them from here, and `.ci/run` fails the run when any of them appears in the
 * tests' output or the log files they leave (`bun tests/support/secrets.ts` prints the list).
 * tests/routes/secrets-list.test.ts fails when a test defines a secret of its own instead.
 */

export const PRIMARY_KEY = "a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4";
export const SECONDARY_KEY = "e5e5e5e5f6f6f6f6a7a7a7a7b8b8b8b8";
/** A key a pure-proxy client sends in its credential string. */
export const CLIENT_KEY = "9f9f9f9f8e8e8e8e7d7d7d7d6c6c6c6c";
/** The key of the configuration-loading unit tests. */
export const CONFIG_KEY = "11112222333344445555666677778888";
/** Keys of the access-resolution unit tests. */
export const RESOLVE_SERVER_KEY = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
export const RESOLVE_CLIENT_KEY = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1";

export const ALICE_TOKEN = "alice-token-7f3a9c2e5b1d4f60";
export const BOB_TOKEN = "bob-token-2c8e4a6f0b9d1e37";
export const ERIN_TOKEN = "erin-token-4d5e6f708192a3b4";
/** The user token of tests/fixtures/scaling-out.config.json (and the README's example). */
export const SCALING_OUT_USER_TOKEN = "alice-token-change-me";

/** `HAIGPT_ADMIN_TOKEN` values. */
export const ADMIN_TOKEN = "admin-token-5d1c9e7a3b2f8046";
export const LIMITS_ADMIN_TOKEN = "admin-token-6c1f8e3a2d9b4705";
export const SERVER_ADMIN_TOKEN = "admin-token-9e2b7c4d1a6f3058";
export const REDIS_ADMIN_TOKEN = "admin-token-3f8a1c6e9d2b5074";
export const SHORT_HOST_ADMIN_TOKEN = "short-host-admin-token-0001";
export const ROUTING_ADMIN_TOKEN = "admin-token-7a4e2c9b1d8f6035";

/** Entra client secrets. */
export const CLIENT_SECRET = "client-secret-value-0123456789";
export const ENTRA_CLIENT_SECRET = "entra-client-secret-9f8e7d6c5b4a";
export const DESCRIBED_CLIENT_SECRET = "very-secret-client-secret-value";
export const GRANT_CLIENT_SECRET = "the-client-secret-0123456789";

/** Every secret above: none may appear in anything haigpt writes or answers. */
export const TEST_SECRETS: readonly string[] = [
  PRIMARY_KEY, SECONDARY_KEY, CLIENT_KEY, CONFIG_KEY, RESOLVE_SERVER_KEY, RESOLVE_CLIENT_KEY,
  ALICE_TOKEN, BOB_TOKEN, ERIN_TOKEN, SCALING_OUT_USER_TOKEN,
  ADMIN_TOKEN, LIMITS_ADMIN_TOKEN, SERVER_ADMIN_TOKEN, REDIS_ADMIN_TOKEN, SHORT_HOST_ADMIN_TOKEN, ROUTING_ADMIN_TOKEN,
  CLIENT_SECRET, ENTRA_CLIENT_SECRET, DESCRIBED_CLIENT_SECRET, GRANT_CLIENT_SECRET,
];

if (import.meta.main) console.log(TEST_SECRETS.join("\n"));
