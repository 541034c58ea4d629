/**
 * The OpenAI operations haigpt serves, as data: the path clients use (also Azure's path under a
 * deployment and under /openai/v1), how the body travels, what the answer is, and which Azure
 * api-versions offer the operation at all.
 */
import type { AnswerKind } from "../compat/compat-context.ts";
import { offersFeature, type FeatureIntroduction } from "../compat/api-version.ts";

export type OperationId =
  | "chat"
  | "completions"
  | "embeddings"
  | "images"
  | "transcriptions"
  | "translations"
  | "speech"
  | "responses";

export interface Operation {
  readonly id: OperationId;
  /** Path after `/v1`, e.g. `chat/completions`. */
  readonly path: string;
  readonly body: "json" | "multipart";
  /** How the normaliser treats the answer. */
  readonly answer: AnswerKind;
  /** The kind of event stream a streamed answer is (chat-like chunks, or the Responses API's named events). */
  readonly stream: "chat" | "completions" | "responses" | null;
  /** On the dated surface: the deployment in the URL path, or (Responses API) in the body's `model`. */
  readonly dated: "deployment-path" | "model-in-body";
  /** The model a client may leave out (OpenAI's own default), or null when `model` is required. */
  readonly defaultModel: string | null;
  /** Whether an api-version offers the operation; others are not tried. */
  readonly offeredIn: (apiVersion: string) => boolean;
  /** Shown in the error when no configured api-version offers the operation. */
  readonly requirement: string | null;
}

const everywhere = () => true;

/** Speech is in preview api-versions only (first example in 2024-02-15-preview; no dated GA), and on v1. */
const SPEECH: FeatureIntroduction = { firstPreview: "2024-02-15", firstGa: null };
/** The Responses API came with 2025-03-01-preview (no dated GA), and is on v1. */
const RESPONSES: FeatureIntroduction = { firstPreview: "2025-03-01", firstGa: null };

const base = { body: "json", stream: null, dated: "deployment-path", defaultModel: null, offeredIn: everywhere, requirement: null } as const;

export const OPERATIONS: readonly Operation[] = [
  { ...base, id: "chat", path: "chat/completions", answer: "chat", stream: "chat" },
  { ...base, id: "completions", path: "completions", answer: "completions", stream: "completions" },
  { ...base, id: "embeddings", path: "embeddings", answer: "embeddings" },
  // OpenAI's default image model; a deployment map entry (or "*") decides where it goes.
  { ...base, id: "images", path: "images/generations", answer: "images", defaultModel: "dall-e-2" },
  { ...base, id: "transcriptions", path: "audio/transcriptions", answer: "audio", body: "multipart" },
  { ...base, id: "translations", path: "audio/translations", answer: "audio", body: "multipart" },
  {
    ...base,
    id: "speech",
    path: "audio/speech",
    answer: "audio",
    offeredIn: (apiVersion) => offersFeature(apiVersion, SPEECH),
    requirement: "a preview api-version from 2024-02-15-preview on, or v1",
  },
  {
    ...base,
    id: "responses",
    path: "responses",
    answer: "responses",
    stream: "responses",
    dated: "model-in-body",
    offeredIn: (apiVersion) => offersFeature(apiVersion, RESPONSES),
    requirement: "api-version 2025-03-01-preview or later, or v1",
  },
];
