// The soak's fake model, served by test/support's fake OpenAI server: the seed's routing, a tag in every reply, faults on cue.

import type { FakeResponder, FakeScript, RecordedRequest } from "../../test/support/fake-openai-server.js";
import { lastUserText, offeredToolNames } from "../../test/support/fake-openai-server.js";
import { requestAgent } from "../../test/support/seed-responder.js";
import { answerMark } from "./ledger.js";

export type ModelRole = "triage" | "tutor";

const TAG = /\bQ\d{6}\b/;

/** A tag of the form the ledger reads, e.g. tagOf(17) = "Q000017". */
export const tagOf = (n: number): string => `Q${String(n).padStart(6, "0")}`;

export class SoakModel {
  /** Per `${tag}:${role}`: scripts answered to that question's next requests, before the normal answer. */
  readonly #faults = new Map<string, FakeScript[]>();
  /** Added to every normal answer: a model takes time, which is when kills and floods overlap with work. */
  latencyMs = 0;
  /** Text the tutor answers with after its mark (e.g. a fence breakout or a channel ping, for hostile outputs). */
  readonly #extra = new Map<string, string>();
  /** Called as each request arrives, before it is answered (e.g. to archive the thread mid-turn). */
  onRequest: ((tag: string, role: ModelRole) => void) | undefined;

  inject(tag: string, role: ModelRole, ...scripts: FakeScript[]): void {
    this.#faults.set(`${tag}:${role}`, [...(this.#faults.get(`${tag}:${role}`) ?? []), ...scripts]);
  }

  /** The tutor's answer to `tag` goes on with `text`. */
  answerWith(tag: string, text: string): void {
    this.#extra.set(tag, text);
  }

  readonly respond: FakeResponder = (request) => this.#answer(request);

  #answer(request: RecordedRequest): FakeScript {
    const question = lastUserText(request);
    const tag = TAG.exec(question)?.[0] ?? "Q000000";
    const agent = requestAgent(request);
    const role: ModelRole = agent === "triage_agent" ? "triage" : "tutor";
    this.onRequest?.(tag, role);
    const fault = this.#faults.get(`${tag}:${role}`)?.shift();
    if (fault !== undefined) return fault;
    const timing = this.latencyMs > 0 ? { delayMs: this.latencyMs } : {};
    if (role === "triage" && offeredToolNames(request).includes("handoff_to_math_tutor")) {
      // The student asks for an agent that is not in the roster: a model that obeys tries it (the engine must refuse).
      const wanted = /hand (?:this )?off to (\w+)/i.exec(question)?.[1];
      if (wanted !== undefined && !hasToolResult(request)) return { ...timing, text: `Routing ${tag} to ${wanted}.`, toolCalls: [{ name: `handoff_to_${wanted}` }] };
      const math = /deriv|integra|x\^|math|[0-9]\s*[-+*/]\s*[0-9]/i.test(question);
      const target = math ? "math_tutor" : "history_tutor";
      return { ...timing, text: `Routing ${tag} to the ${math ? "math" : "history"} tutor.`, toolCalls: [{ name: `handoff_to_${target}`, arguments: { reason: math ? "math" : "history" } }] };
    }
    const extra = this.#extra.get(tag);
    return { ...timing, text: `${answerMark(tag)} (${agent}): here is how to think about it.${extra === undefined ? "" : ` ${extra}`}` };
  }
}

function hasToolResult(request: RecordedRequest): boolean {
  return request.body.messages.some((message) => message.role === "tool");
}
