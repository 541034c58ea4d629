/** What the compatibility layer needs to know about one request, and the filter annotations it reports. */

/** `strict`: clients must not be able to tell Azure is behind haigpt; `azure`: Azure's extra fields stay. */
export type CompatMode = "strict" | "azure";

/** What kind of answer is being normalised. */
export type AnswerKind = "chat" | "completions" | "embeddings" | "images" | "responses" | "audio";

/** Per-request settings of the compatibility layer. */
export interface CompatContext {
  readonly mode: CompatMode;
  /** The model name the client asked for (replaces Azure's spelling in strict mode). */
  readonly requestedModel: string;
  /** Id for a synthesised chunk when Azure's stream has given none yet, e.g. "chatcmpl-haigpt-<request id>". */
  readonly fallbackId: string;
  /** Unix seconds, for a synthesised chunk's `created` when Azure's stream has given none yet. */
  readonly nowSeconds: () => number;
  /** Called with Azure's content-filter annotations so the operator can log them (they may be stripped from the answer). */
  readonly observeFilter?: (annotation: FilterAnnotation) => void;
  /**
   * `observeFilter` wants flagged annotations only (the request's record keeps nothing else): the "safe"
   * results on every chunk of a stream are then not turned into annotations at all.
   */
  readonly flaggedFiltersOnly?: boolean;
  /** Called with every `usage` object in a JSON answer or stream chunk, as Azure sent it (token accounting). */
  readonly observeUsage?: (usage: unknown) => void;
  /**
   * Whether the client asked for `stream_options.include_usage`. When it did not, strict mode removes the
   * `"usage": null` Azure puts on stream chunks (older api-versions always, newer ones when haigpt asked
   * for the usage chunk on its own behalf): OpenAI's chunks carry `usage` only for clients that asked.
   */
  readonly clientAskedUsage?: boolean;
}

/** The part of a context that stripping and error normalisation use. */
export type ObserveContext = Pick<CompatContext, "mode" | "observeFilter" | "observeUsage" | "flaggedFiltersOnly">;

/** Reports `value` to `observeUsage` when it is a usage object (not null or absent). */
export function reportUsage(value: unknown, ctx: ObserveContext): void {
  if (ctx.observeUsage && typeof value === "object" && value !== null) ctx.observeUsage(value);
}

/** One content-filter results object Azure sent, as reported to the operator. */
export interface FilterAnnotation {
  readonly source: "prompt" | "choice" | "error";
  readonly index: number;
  /** Azure's results object as sent (e.g. {violence:{filtered:true,severity:"medium"}}). */
  readonly results: unknown;
  /** True when any category says filtered:true or detected:true. */
  readonly flagged: boolean;
}
