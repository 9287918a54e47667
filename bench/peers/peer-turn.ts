// What each peer framework's benchmark module offers the peer runner: its input at a history length, and one turn.

export interface PeerTurn {
  /** The framework's own representation of `history` prior messages plus the question; built once per row. */
  input(history: number): unknown;
  /** Runs one turn; resolves to the name of the agent that answered last (math_tutor in the scenario). */
  turn(input: unknown, streaming: boolean): Promise<string>;
  /** Model calls so far (2 per turn in the scenario): checked so that a cheaper wrong path is never timed. */
  calls(): number;
}
