/** TypeBox validation that reports the first problem as a dotted field path and a plain sentence. */
import type { TSchema } from "@sinclair/typebox";
import { ValueErrorType, type ValueError } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";

export interface FieldProblem {
  /** Dotted path, e.g. `primaryApiKey.apiKey`, or "" for the root. */
  readonly field: string;
  readonly detail: string;
}

/** The values of a union of literals (`strict | azure`), or null for any other schema. */
function literalChoices(schema: TSchema): string[] | null {
  const members = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf;
  if (!members || !members.every((member) => "const" in member)) return null;
  return members.map((member) => String(member.const));
}

function describe(error: ValueError): string {
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required but missing";
    case ValueErrorType.String:
      return "must be a string";
    case ValueErrorType.StringMinLength:
      return "must not be empty";
    case ValueErrorType.Integer:
    case ValueErrorType.Number:
      return "must be a whole number";
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${error.schema.minimum} (got ${JSON.stringify(error.value)})`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${error.schema.maximum} (got ${JSON.stringify(error.value)})`;
    case ValueErrorType.Boolean:
      return "must be true or false";
    case ValueErrorType.Array:
      return "must be an array";
    case ValueErrorType.Object:
      return "must be an object";
    case ValueErrorType.Union: {
      // A setting with fixed choices is a union of literals: list them.
      const choices = literalChoices(error.schema);
      if (choices) return `${JSON.stringify(error.value)} is not one of ${choices.join(", ")}`;
      return error.message.toLowerCase();
    }
    default:
      return error.message.toLowerCase();
  }
}

/** The first problem of `value` against `schema`, or null when it is valid. */
export function findProblem(schema: TSchema, value: unknown): FieldProblem | null {
  const first = Value.Errors(schema, value).First();
  if (!first) return null;
  // Union failures report at the union; the most specific path is the first one TypeBox gives.
  const field = first.path.split("/").filter(Boolean).join(".");
  return { field, detail: describe(first) };
}
