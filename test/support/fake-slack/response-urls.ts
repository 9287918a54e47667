// The fake Slack's response_url endpoints: each is good for five posts within 30 minutes; an ephemeral answer is kept
// as a message only its person sees (what their buttons are clicked on), and a click's response_url may replace it.

import { blockActionsPayload, findButton } from "./action-blocks.js";
import { blocksProblems } from "./blocks.js";

const USES = 5;
const LIFETIME_MS = 30 * 60_000;

/** An ephemeral message an app posted through a response_url: only `user` sees it, in `channel`. */
export interface FakeEphemeral {
  readonly ts: string;
  readonly channel: string | undefined;
  readonly user: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  /** Replaced through a click's response_url (replace_original) this many times. */
  replaced: number;
}

interface Target {
  readonly channel: string | undefined;
  readonly user: string | undefined;
  /** A click's response_url: the message the click was on (what replace_original replaces). */
  readonly messageTs: string | undefined;
  readonly createdAt: number;
  uses: number;
}

export type ResponseAnswer = { readonly status: number; readonly body: Record<string, unknown> };

export class ResponseUrls {
  readonly ephemerals: FakeEphemeral[] = [];
  readonly #targets = new Map<string, Target>();
  #counter = 0;

  constructor(private readonly nextTs: () => string) {}

  /** A fresh id for a response_url, for a command run (or a click made) by `user` in `channel`. */
  create(context: { channel?: string; user?: string; messageTs?: string } = {}): string {
    this.#counter += 1;
    const id = String(this.#counter);
    this.#targets.set(id, { channel: context.channel, user: context.user, messageTs: context.messageTs, createdAt: Date.now(), uses: 0 });
    return id;
  }

  /** One post to a response_url, answered as Slack does (used up, expired, invalid blocks). */
  post(id: string, body: Record<string, unknown>): ResponseAnswer {
    const target = this.#targets.get(id);
    if (target === undefined) return { status: 404, body: { ok: false, error: "no_such_url" } };
    if (target.uses >= USES || Date.now() - target.createdAt > LIFETIME_MS) return { status: 404, body: { ok: false, error: "used_url" } };
    target.uses += 1;
    const given: unknown = typeof body.blocks === "string" ? JSON.parse(body.blocks) : body.blocks;
    if (given !== undefined) {
      const problems = blocksProblems(given);
      if (problems.length > 0) return { status: 400, body: { ok: false, error: "invalid_blocks", response_metadata: { messages: problems } } };
    }
    const text = typeof body.text === "string" ? body.text : "";
    const blocks = Array.isArray(given) ? (given as unknown[]) : undefined;
    const replacing = body.replace_original === true || body.replace_original === "true";
    const original = replacing && target.messageTs !== undefined ? this.ephemerals.find((m) => m.ts === target.messageTs) : undefined;
    if (original !== undefined) {
      original.text = text;
      original.blocks = blocks;
      original.replaced += 1;
      return { status: 200, body: { ok: true } };
    }
    if (body.response_type !== "in_channel") this.ephemerals.push({ ts: this.nextTs(), channel: target.channel, user: target.user, text, blocks, replaced: 0 });
    return { status: 200, body: { ok: true } };
  }

  /** A person's click on a button of an ephemeral message: its block_actions payload, with a response_url of its own. */
  click(init: {
    user: string;
    userName: string;
    messageTs: string;
    actionId: string;
    team: { readonly teamId: string; readonly teamDomain: string };
    baseUrl: string;
  }): Record<string, unknown> {
    const message = this.ephemerals.find((m) => m.ts === init.messageTs);
    if (message === undefined) throw new Error(`fake Slack: no ephemeral message ${init.messageTs}`);
    if (message.user !== init.user) throw new Error(`fake Slack: ${init.user} cannot see the ephemeral message ${init.messageTs}`);
    const button = findButton(message.blocks, init.actionId);
    if (button === undefined) throw new Error(`fake Slack: message ${init.messageTs} has no button ${init.actionId}`);
    if (message.channel === undefined) throw new Error("fake Slack: the ephemeral message has no channel (pass one to responseUrl)");
    const id = this.create({ channel: message.channel, user: init.user, messageTs: message.ts });
    return blockActionsPayload({
      teamId: init.team.teamId,
      teamDomain: init.team.teamDomain,
      user: { id: init.user, name: init.userName },
      channelId: message.channel,
      messageTs: message.ts,
      isEphemeral: true,
      responseUrl: `${init.baseUrl}/responses/${id}`,
      button,
    });
  }
}
