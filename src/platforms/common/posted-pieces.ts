// The bookkeeping of a reply posted as several messages: which pieces are up, with what content, and how to bring
// them to new contents with only the calls that change something (an edit per changed piece, a post per new one).

/** How one platform posts, edits and removes the pieces of one reply. */
export interface PieceOps {
  post(content: string, index: number): Promise<string>;
  edit(id: string, content: string, index: number): Promise<void>;
  /** Removes a piece no longer needed (the final text split into fewer pieces than the partial one did). */
  remove(id: string, index: number): Promise<void>;
}

export class PostedPieces {
  private readonly posted: Array<{ readonly id: string; content: string }> = [];

  constructor(
    private readonly ops: PieceOps,
    /** Told the ids after every post or removal. */
    private readonly onPieces: (ids: readonly string[]) => void,
    /** Awaited before every platform call (the edit throttle). */
    private readonly pace: (final: boolean) => Promise<void>,
  ) {}

  /** Pieces already on the platform (an earlier process posted them), with unknown content. */
  adopt(ids: readonly string[]): void {
    for (const id of ids) this.posted.push({ id, content: "\u0000unknown" });
  }

  ids(): string[] {
    return this.posted.map((piece) => piece.id);
  }

  /**
   * Makes the platform show `contents()` (read again after every wait of the throttle, so an edit carries the latest
   * text, not the text of when it started waiting); `final` marks the edits that must carry the exact final text.
   */
  async apply(contents: () => readonly string[], final: boolean): Promise<void> {
    for (let index = 0; ; index++) {
      let wanted = contents();
      const differs = (): boolean => index < wanted.length && this.posted[index]?.content !== wanted[index];
      if (index >= wanted.length) break;
      if (!differs()) continue;
      await this.pace(final);
      wanted = contents();
      if (index >= wanted.length) break;
      if (!differs()) continue;
      const content = wanted[index]!;
      const piece = this.posted[index];
      if (piece === undefined) {
        const id = await this.ops.post(content, index);
        this.posted.push({ id, content });
        this.onPieces(this.ids());
      } else {
        await this.ops.edit(piece.id, content, index);
        piece.content = content;
      }
    }
    if (!final) return;
    const length = contents().length;
    while (this.posted.length > length) {
      const extra = this.posted[this.posted.length - 1]!;
      await this.pace(final);
      await this.ops.remove(extra.id, this.posted.length - 1);
      this.posted.pop();
      this.onPieces(this.ids());
    }
  }

  /** Removes every piece (an abandoned stream). */
  async removeAll(): Promise<void> {
    while (this.posted.length > 0) {
      const last = this.posted[this.posted.length - 1]!;
      await this.ops.remove(last.id, this.posted.length - 1);
      this.posted.pop();
    }
    this.onPieces([]);
  }
}
