// The history view kept between turns gives exactly what converting the whole list afresh gives, however the list changed.

import { describe, expect, it } from "vitest";
import type { ModelMessage } from "../../src/workflow/chat-client.js";
import { historyView, requestMessages } from "../../src/workflow/history-cache.js";
import { ensureAnsweredToolCalls, toModelMessages } from "../../src/workflow/history-view.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import type { ToolCallFiltering } from "../../src/workflow/workflow.js";

const SYSTEM: Array<Extract<ModelMessage, { role: "system" }>> = [{ role: "system", content: "You are a tutor." }];

const user = (text: string) => new ChatMessage("user", text, { authorName: "Ada L." });
const handoff = (id: string) =>
  new ChatMessage("assistant", "Handing off.", { authorName: "triage_agent", toolCalls: [{ id, name: "handoff_to_math_tutor", arguments: "{}" }] });
const lookup = (id: string) =>
  new ChatMessage("assistant", "", { authorName: "math_tutor", toolCalls: [{ id, name: "lookup", arguments: "{}" }] });
const result = (id: string) => new ChatMessage("tool", `result of ${id}`, { authorName: "triage_agent", toolCallId: id });
const answer = (text: string) => new ChatMessage("assistant", text, { authorName: "math_tutor" });

/** What the engine sent before the view was kept: the whole list converted and checked on every call. */
function fresh(history: readonly ChatMessage[], filtering: ToolCallFiltering, turn: readonly ModelMessage[] = []): ModelMessage[] {
  return ensureAnsweredToolCalls([...SYSTEM, ...toModelMessages(history, filtering), ...turn]);
}

describe.each<ToolCallFiltering>(["handoffOnly", "all", "none"])("historyView with filtering %s", (filtering) => {
  it("gives the same request as a fresh conversion, and the same view again for the same list", () => {
    const history = [user("What is 2+2?"), handoff("h1"), result("h1"), lookup("l1"), result("l1"), answer("4."), user("And 3+3?")];
    const first = historyView(history, filtering);
    expect(requestMessages(SYSTEM, first, [])).toEqual(fresh(history, filtering));
    expect(historyView(history, filtering)).toBe(first);
  });

  it("converts only what was appended to a growing list, carrying dropped calls across the boundary", () => {
    const history: ChatMessage[] = [user("What is 2+2?"), handoff("h1")];
    const before = historyView(history, filtering);
    const snapshot = [...before.messages];
    history.push(result("h1"), answer("4."), user("Thanks"));
    const after = historyView(history, filtering);
    expect(requestMessages(SYSTEM, after, [])).toEqual(fresh(history, filtering));
    // a turn still running on the shorter list keeps the view it started with
    expect(before.messages).toEqual(snapshot);
  });

  it("sees a message replaced in the middle of the list, and a list cut shorter", () => {
    const history: ChatMessage[] = [user("What is 2+2?"), answer("4."), user("And 3+3?"), answer("6.")];
    historyView(history, filtering);
    history[1] = answer("Four.");
    expect(requestMessages(SYSTEM, historyView(history, filtering), [])).toEqual(fresh(history, filtering));
    history.length = 2;
    expect(requestMessages(SYSTEM, historyView(history, filtering), [])).toEqual(fresh(history, filtering));
  });

  it("repairs a broken history exactly as ensureAnsweredToolCalls does, with or without this turn's messages", () => {
    // a window that starts on an orphan result and a call left unanswered by a crash
    const history = [result("gone"), user("Hi"), lookup("l2"), user("Still there?")];
    const turn: ModelMessage[] = [{ role: "assistant", content: "Yes.", name: "math_tutor" }];
    expect(requestMessages(SYSTEM, historyView(history, filtering), turn)).toEqual(fresh(history, filtering, turn));
    const valid = [user("Hi")];
    const pendingCall: ModelMessage[] = [{ role: "assistant", content: null, toolCalls: [{ id: "x", name: "lookup", arguments: "{}" }] }];
    expect(requestMessages(SYSTEM, historyView(valid, filtering), pendingCall)).toEqual(fresh(valid, filtering, pendingCall));
  });
});

it("recomputes the view when the same list is read with another filtering", () => {
  const history = [user("What is 2+2?"), handoff("h1"), result("h1"), answer("4.")];
  historyView(history, "none");
  expect(requestMessages(SYSTEM, historyView(history, "all"), [])).toEqual(fresh(history, "all"));
});
