import { expect, test } from "bun:test";
import { findTooDeep } from "../../src/routes/json-depth.ts";
import { isJsonContentType } from "../../src/routes/json-body.ts";

test.each([
  ['{"a":1}', 1, null],
  ['{"a":[1]}', 1, { param: "a" }],
  ['{"a":[1]}', 2, null],
  ['[[[]]]', 2, { param: null }],
  ['{"a":{"b":{}}}', 2, { param: "a" }],
  ['{"a":1,"b":[[1]]}', 2, { param: "b" }],
  // Brackets inside strings, and escaped quotes, do not count.
  ['{"a":"[[[[{{{{","b":"\\"[[["}', 1, null],
  ['{"a\\"[":[[1]]}', 2, { param: 'a"[' }],
  // A string ending in an escaped backslash ends there.
  ['{"a":"x\\\\","b":[[1]]}', 2, { param: "b" }],
  ['{"a":"x\\\\\\"[[[","b":1}', 2, null],
  ['{"a":"unterminated [[[[', 2, null],
  // A long key is not named.
  [`{"${"k".repeat(100)}":[[1]]}`, 2, { param: null }],
  ["not json [[[", 5, null],
] as const)("findTooDeep(%p, %p) is %p", (text, max, expected) => {
  expect(findTooDeep(text, max)).toEqual(expected);
});

test.each([
  ["application/json", true],
  ["application/json; charset=utf-8", true],
  ["APPLICATION/JSON", true],
  [" application/json ;charset=utf-8", true],
  ["application/jsonp", false],
  ["text/plain", false],
  ["application/x-www-form-urlencoded", false],
  ["text/json", false],
  [null, false],
] as const)("isJsonContentType(%p) is %p", (value, expected) => {
  expect(isJsonContentType(value)).toBe(expected);
});
