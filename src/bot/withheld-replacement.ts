// Replaces withheld answers on the platform by the notice, in the background, and settles each owed edit in the flags table.

import type { Logger } from "pino";
import type { BackgroundRetries } from "./background-retries.js";
import type { AgentPresentation, PlatformPort, PostedReply, ThreadRef } from "./ports.js";
import type { WithheldRepository } from "./store-port.js";
import type { WithheldReply } from "./store-records.js";

export interface WithheldReplacementOptions {
  readonly withheld: WithheldRepository;
  readonly logger: Logger;
  readonly port: (platform: string) => PlatformPort | undefined;
  readonly background: BackgroundRetries;
  readonly presentation: (agentName: string) => AgentPresentation;
  /** What the answer is replaced by (the policy's withheld notice). */
  readonly notice: string;
  /** Resolves once the conversation's queued replies were attempted (an answer flagged while its post was under way). */
  readonly repliesSettled: (conversationId: number) => Promise<void>;
}

export class WithheldReplacement {
  constructor(private readonly options: WithheldReplacementOptions) {}

  /**
   * Starts the owed edit of flag `flagId`'s answer; never waits for it (the student's turn goes on). An answer whose post
   * is still under way is edited once that post is done; one still unposted then is left owed: its outbox row already
   * holds the notice, and the restart that posts it makes the edit after.
   */
  async start(flagId: number): Promise<void> {
    const withheld = await this.options.withheld.of(flagId);
    if (withheld === undefined) return;
    if (withheld.outboxStatus !== "pending") {
      this.replace(withheld);
      return;
    }
    this.options.background.start({
      attempt: async () => {
        await this.options.repliesSettled(withheld.conversationId);
        const now = await this.options.withheld.of(flagId);
        if (now !== undefined && now.outboxStatus !== "pending") this.replace(now);
      },
      context: { flagId },
      failure: "could not wait for a withheld answer's post",
    });
  }

  /** After a restart, once the pending replies were posted: the edits owed for the platforms `wanted` accepts. */
  async flushPending(wanted: (key: ThreadRef) => boolean): Promise<number> {
    const owed = (await this.options.withheld.pending()).filter((w) => wanted(w.key) && w.outboxStatus !== "pending");
    for (const withheld of owed) this.replace(withheld);
    return owed.length;
  }

  private replace(withheld: WithheldReply): void {
    const { logger, background, notice } = this.options;
    const context = { flagId: withheld.flagId, outboxId: withheld.outboxId, platform: withheld.key.platform };
    if (withheld.platformMessageId === undefined) {
      // Never posted (its delivery failed for good): nothing of it is on the platform to edit.
      void this.settle(withheld.flagId, "done");
      return;
    }
    const port = this.options.port(withheld.key.platform);
    const replaceReply = port?.replaceReply;
    if (port === undefined || replaceReply === undefined) {
      void this.settle(withheld.flagId, "failed");
      logger.warn(context, "a withheld answer cannot be edited on this platform; it stays up");
      return;
    }
    const posted: PostedReply = {
      ...withheld.key,
      replyId: withheld.outboxId,
      conversationId: withheld.conversationId,
      platformMessageId: withheld.platformMessageId,
      agent: this.options.presentation(withheld.agentName),
      text: withheld.text,
    };
    background.start({
      attempt: () => replaceReply.call(port, posted, notice),
      attemptsBefore: withheld.attempts,
      failed: () => void this.options.withheld.countFailure(withheld.flagId).catch((error: unknown) => logger.error({ err: error, ...context }, "could not count a withheld answer's failed edit")),
      context,
      failure: "could not replace a withheld answer",
      settle: async (outcome, attempts) => {
        // Stopped by shutdown: it stays owed and is made at the next start.
        if (outcome === "stopped") return;
        await this.settle(withheld.flagId, outcome);
        if (outcome === "done" && attempts > 1) logger.info({ ...context, attempts }, "replaced a withheld answer after retrying");
      },
    });
  }

  /** A settle that fails (the database) leaves the edit owed: made again at the next start. */
  private async settle(flagId: number, outcome: "done" | "failed"): Promise<void> {
    try {
      await this.options.withheld.settle(flagId, outcome);
    } catch (error) {
      this.options.logger.error({ err: error, flagId }, "could not record a withheld answer's edit");
    }
  }
}
