// A human participant of a handoff workflow ("ask a teacher"): a handoff target that ends the turn with a request.

/** A person an agent may hand the conversation to; the engine ends the turn with a HumanInputRequestEvent. */
export class HumanParticipant {
  readonly kind = "human";
  readonly name: string;
  readonly description: string;
  /** How the person's own messages are labelled (transcripts, the history the model sees); default: the name. */
  readonly displayName: string;

  constructor(options: { readonly name: string; readonly description?: string; readonly displayName?: string }) {
    this.name = options.name;
    this.description = options.description ?? "";
    this.displayName = options.displayName ?? options.name;
  }
}
