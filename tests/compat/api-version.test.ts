import { expect, test } from "bun:test";
import { isV1Surface, offersFeature } from "../../src/compat/api-version.ts";
import { OPERATIONS } from "../../src/proxy/operations.ts";

const RESPONSES = { firstPreview: "2025-03-01", firstGa: null };

test("the v1 surface's names", () => {
  expect(["v1", "preview", "latest"].map(isV1Surface)).toEqual([true, true, true]);
  expect(["2024-10-21", "2025-03-01-preview", "V1", ""].map(isV1Surface)).toEqual([false, false, false, false]);
});

test.each([
  ["v1", true],
  ["preview", true],
  ["2025-03-01-preview", true],
  ["2025-04-01-preview", true],
  ["2025-02-01-preview", false],
  ["2025-06-01", false], // no dated GA has it
  ["2025-3-1-preview", false], // no known format: an operation is not tried on a guess
])("an operation introduced in 2025-03-01-preview: %s offers it: %p", (apiVersion, offered) => {
  expect(offersFeature(apiVersion, RESPONSES)).toBe(offered);
});

test("the operations' api-version rules read from the one module", () => {
  const offered = (id: string, apiVersion: string) => OPERATIONS.find((op) => op.id === id)!.offeredIn(apiVersion);
  expect([offered("speech", "2024-02-15-preview"), offered("speech", "2024-02-01-preview"), offered("speech", "2024-10-21"), offered("speech", "latest")])
    .toEqual([true, false, false, true]);
  expect([offered("responses", "2025-03-01-preview"), offered("responses", "2024-10-21"), offered("chat", "2023-05-15")]).toEqual([true, false, true]);
});
