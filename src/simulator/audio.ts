// Audio: transcriptions/translations (multipart in, JSON or text out) and speech (bytes out).

import type { Frame, StreamPlan } from "./stream.ts";
import { hashText } from "./text.ts";

/** What the transcription/translation answer depends on. */
export interface AudioTextInput {
  task: "transcribe" | "translate";
  deployment: string;
  form: FormData;
}

/** Answer of transcriptions/translations: a JSON body or plain text, per `response_format`. */
export type AudioTextAnswer = { kind: "json"; body: Record<string, unknown> } | { kind: "text"; text: string };

/** Deterministic transcript naming the uploaded file. */
function composeTranscript(input: AudioTextInput): string {
  const file = input.form.get("file");
  const name = typeof file === "object" && file !== null ? (file as File).name || "audio" : "audio";
  const size = typeof file === "object" && file !== null ? (file as File).size : 0;
  const verb = input.task === "transcribe" ? "transcription" : "translation";
  return `Simulated ${verb} from deployment ${input.deployment} of ${name} (${size} bytes).`;
}

/** Builds the transcription/translation answer. */
export function buildAudioTextAnswer(input: AudioTextInput): AudioTextAnswer {
  const text = composeTranscript(input);
  const format = String(input.form.get("response_format") ?? "json");
  if (format === "text") return { kind: "text", text };
  if (format === "srt") return { kind: "text", text: `1\n00:00:00,000 --> 00:00:02,000\n${text}\n\n` };
  if (format === "vtt") return { kind: "text", text: `WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${text}\n\n` };
  if (format !== "verbose_json") return { kind: "json", body: { text } };
  const language = input.task === "translate" ? "english" : String(input.form.get("language") ?? "english");
  const segment = { id: 0, seek: 0, start: 0, end: 2, text, tokens: [1, 2, 3], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 };
  return { kind: "json", body: { task: input.task, language, duration: 2, text, segments: [segment] } };
}

const FORMAT_MAGIC: Record<string, string> = { mp3: "ID3", wav: "RIFF", flac: "fLaC", opus: "OggS" };

/** Plans the speech bytes (a recognisable header plus hash-derived filler) as four streamed chunks. */
export function buildSpeechPlan(input: string, responseFormat: string): StreamPlan {
  const magic = new TextEncoder().encode(FORMAT_MAGIC[responseFormat] ?? "");
  const bytes = new Uint8Array(magic.length + 64 + input.length * 8);
  bytes.set(magic);
  let state = hashText(input) || 1;
  for (let i = magic.length; i < bytes.length; i++) {
    state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) >>> 0;
    bytes[i] = state & 0xff;
  }
  const size = Math.ceil(bytes.length / 4);
  const frames: Frame[] = [0, 1, 2, 3].map((part) => bytes.slice(part * size, (part + 1) * size)).filter((part) => part.length > 0);
  return { frames, gateAfter: 0 };
}
