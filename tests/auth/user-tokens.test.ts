import { expect, test } from "bun:test";
import { createTokenMatcher } from "../../src/auth/user-tokens.ts";

const match = createTokenMatcher([
  { userId: "alice", token: "alice-token-0123456789" },
  { userId: "bob", token: "bob-token-0123456789" },
]);

test("finds the user of a configured token", () => {
  expect(match("alice-token-0123456789")?.userId).toBe("alice");
  expect(match("bob-token-0123456789")?.userId).toBe("bob");
});

test("prefixes, extensions, case changes and empty strings match nobody", () => {
  for (const candidate of ["alice-token-012345678", "alice-token-0123456789x", "ALICE-TOKEN-0123456789", "", " alice-token-0123456789"]) {
    expect(match(candidate)).toBeNull();
  }
});

test("with no tokens configured, nothing matches", () => {
  expect(createTokenMatcher([])("anything")).toBeNull();
});
