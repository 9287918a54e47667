// A human participant of a handoff workflow ("ask a teacher"): a handoff target that ends the turn with a request.

/** A person an agent may hand the conversation to; the engine ends the turn with a HumanInputRequestEvent. */
export class HumanParticipant {
  readonly kind = "human";
  readonly name: string;
  readonly description: string;

  constructor(options: { readonly name: string; readonly description?: string }) {
    this.name = options.name;
    this.description = options.description ?? "";
  }
}
