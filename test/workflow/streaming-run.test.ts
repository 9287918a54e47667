// A StreamingRun's outcome: the watched generator returns it, `completed` settles with it, a watcher's throw fails it.

import { describe, expect, it } from "vitest";
import { AgentRunUpdateEvent, ChatMessage, InProcessExecution, TurnToken, type WorkflowEvent } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";
import { seedBuilder } from "./seed-workflow.js";

function twoStepClient(): ScriptedChatClient {
  return new ScriptedChatClient([{ text: "To math.", toolCalls: [{ name: "handoff_to_math_tutor" }] }, { text: "The derivative is 2x." }]);
}

describe("StreamingRun", () => {
  it("returns the turn's outcome from the watched generator and settles `completed` with the same one", async () => {
    const run = await InProcessExecution.stream(seedBuilder(twoStepClient()).build(), [new ChatMessage("user", "derivative of x^2")]);
    await run.trySendMessage(new TurnToken(true));
    const stream = run.watchStream();
    const events: WorkflowEvent[] = [];
    let step = await stream.next();
    while (!step.done) {
      events.push(step.value);
      step = await stream.next();
    }
    expect(events.some((e) => e instanceof AgentRunUpdateEvent)).toBe(true);
    expect(step.value.status).toBe("completed");
    expect(step.value.messages.at(-1)?.text).toBe("The derivative is 2x.");
    expect(await run.completed).toBe(step.value);
  });

  it("settles `completed` without a watcher", async () => {
    const run = await InProcessExecution.stream(seedBuilder(twoStepClient()).build(), [new ChatMessage("user", "derivative of x^2")]);
    const result = await run.completed;
    expect(result.status).toBe("completed");
    expect(result.activeAgent).toBe("math_tutor");
  });

  it("fails `completed` with what a watcher throws into the run after its last event", async () => {
    const run = await InProcessExecution.stream(seedBuilder(twoStepClient()).build(), [new ChatMessage("user", "derivative of x^2")]);
    const stream = run.watchStream();
    let step = await stream.next();
    while (!step.done && step.value.type !== "completed") step = await stream.next();
    const stop = new Error("watcher gave up");
    await expect(stream.throw(stop)).rejects.toBe(stop);
    await expect(run.completed).rejects.toBe(stop);
  });

  it("can be watched once", async () => {
    const run = await InProcessExecution.stream(seedBuilder(twoStepClient()).build(), [new ChatMessage("user", "q")]);
    run.watchStream();
    expect(() => run.watchStream()).toThrow(/watch it once/);
  });
});
