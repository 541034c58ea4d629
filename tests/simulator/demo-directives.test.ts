import { expect, test } from "bun:test";
import { parseDirectives, selectActiveDirectives } from "../../src/simulator/directives.ts";

test("with an unscoped-directives resource, a directive without @resource hits only that resource", () => {
  const found = parseDirectives("hi sim:429 sim:500@demo-dr");
  const names = (resource: string) => selectActiveDirectives(found, resource, "hi", () => 0, "demo").map((d) => d.name);
  expect(names("demo")).toEqual(["429"]);
  expect(names("demo-dr")).toEqual(["500"]);
  // Without it, as before: unscoped directives hit every resource.
  expect(selectActiveDirectives(found, "demo-dr", "hi", () => 0).map((d) => d.name)).toEqual(["429", "500"]);
});
