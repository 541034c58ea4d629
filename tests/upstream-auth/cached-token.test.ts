// Token caching with an injected clock: reuse, refresh before expiry, single flight, failure hold.

import { describe, expect, test } from "bun:test";
import type { TokenResult } from "../../src/upstream-auth/access-token.ts";
import { createCachedToken } from "../../src/upstream-auth/cached-token.ts";

const MINUTE = 60_000;

/** A token endpoint under test control: each call is answered when the test says so. */
function scriptedEndpoint() {
  const calls: Array<(result: TokenResult) => void> = [];
  let issued = 0;
  return {
    calls,
    request: () => new Promise<TokenResult>((resolve) => calls.push(resolve)),
    /** Answers the oldest open call with a fresh token valid for `lifetimeMs` from `at`. */
    answer(at: number, lifetimeMs = 60 * MINUTE) {
      calls.shift()!({ ok: true, token: { token: `token-${++issued}`, expiresAt: at + lifetimeMs } });
    },
    refuse() {
      calls.shift()!({ ok: false, failure: { kind: "refused", status: 401, error: "invalid_client", detail: "no" } });
    },
  };
}

/** A cached source over a scripted endpoint, already holding a first token issued at 0 for `lifetimeMs`. */
async function primedSource(lifetimeMs = 60 * MINUTE) {
  const clock = { now: 0 };
  const endpoint = scriptedEndpoint();
  const source = createCachedToken(endpoint.request, { now: () => clock.now });
  const initial = source.getToken();
  endpoint.answer(0, lifetimeMs);
  await initial;
  return { clock, endpoint, source };
}

const tokenOf = (result: TokenResult) => (result.ok ? result.token.token : `failed:${result.failure.kind}`);

describe("cached token", () => {
  test("one request for concurrent callers; reused until the refresh margin", async () => {
    let now = 0;
    const endpoint = scriptedEndpoint();
    const source = createCachedToken(endpoint.request, { now: () => now });
    const first = [source.getToken(), source.getToken(), source.getToken()];
    expect(endpoint.calls).toHaveLength(1);
    endpoint.answer(0);
    expect((await Promise.all(first)).map(tokenOf)).toEqual(["token-1", "token-1", "token-1"]);
    now = 55 * MINUTE - 1;
    expect(tokenOf(await source.getToken())).toBe("token-1");
    expect(endpoint.calls).toHaveLength(0);
  });

  test("inside the margin the current token is served while one refresh runs behind it", async () => {
    const { clock, endpoint, source } = await primedSource();
    clock.now = 55 * MINUTE;
    expect([tokenOf(await source.getToken()), tokenOf(await source.getToken())]).toEqual(["token-1", "token-1"]);
    expect(endpoint.calls).toHaveLength(1);
    endpoint.answer(clock.now);
    await Bun.sleep(0);
    expect(tokenOf(await source.getToken())).toBe("token-2");
  });

  test("short-lived tokens refresh at half their lifetime", async () => {
    const { clock, endpoint, source } = await primedSource(4 * MINUTE);
    clock.now = 2 * MINUTE - 1;
    await source.getToken();
    expect(endpoint.calls).toHaveLength(0);
    clock.now = 2 * MINUTE;
    await source.getToken();
    expect(endpoint.calls).toHaveLength(1);
  });

  test("an expired token is never served: callers wait for the new one", async () => {
    const { clock, endpoint, source } = await primedSource();
    clock.now = 61 * MINUTE;
    const waiting = source.getToken();
    endpoint.answer(clock.now);
    expect(tokenOf(await waiting)).toBe("token-2");
  });

  test("a refusal is answered from the cache for the hold time, then asked again", async () => {
    let now = 0;
    const endpoint = scriptedEndpoint();
    const source = createCachedToken(endpoint.request, { now: () => now, failureHoldMs: 5000 });
    const first = source.getToken();
    endpoint.refuse();
    expect(tokenOf(await first)).toBe("failed:refused");
    now = 4999;
    expect(tokenOf(await source.getToken())).toBe("failed:refused");
    expect(endpoint.calls).toHaveLength(0);
    now = 5000;
    const again = source.getToken();
    expect(endpoint.calls).toHaveLength(1);
    endpoint.answer(now);
    expect(tokenOf(await again)).toBe("token-1");
  });

  test("a failed refresh keeps serving the still-valid token", async () => {
    const { clock, endpoint, source } = await primedSource();
    clock.now = 56 * MINUTE;
    expect(tokenOf(await source.getToken())).toBe("token-1");
    endpoint.refuse();
    await Bun.sleep(0);
    expect(tokenOf(await source.getToken())).toBe("token-1");
    expect(endpoint.calls).toHaveLength(0);
  });
});
