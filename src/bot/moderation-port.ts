// The port through which the safety step asks a moderation service what a text (or image) contains; src/llm implements it.

/** What to check: one student message (its text and any images) or one agent answer. */
export interface ModerationInput {
  readonly text: string;
  /** http(s) or data: URLs of images sent with the message. */
  readonly imageUrls?: readonly string[];
}

/** The service's answer for one input: every category it knows, whether it flagged it, and its score (0..1). */
export interface ModerationVerdict {
  readonly categories: Readonly<Record<string, { readonly flagged: boolean; readonly score: number }>>;
}

export interface ModerationClient {
  /** One verdict per input, in order. Throws when the service cannot answer (the caller lets the turn through). */
  moderate(inputs: readonly ModerationInput[], signal?: AbortSignal): Promise<ModerationVerdict[]>;
}
