// TerminalPort: what the student's screen shows for the orders in which deltas, handoffs and deliveries can arrive.

import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import type { AgentPresentation, OutboundReply, ReplyStream } from "../../../src/bot/ports.js";
import { createPaint } from "../../../src/platforms/console/colours.js";
import { TerminalPort } from "../../../src/platforms/console/terminal-port.js";
import { screenLines } from "../../support/terminal-screen.js";

const AGENTS = new Map<string, AgentPresentation>([
  ["triage_agent", { name: "triage_agent", displayName: "Triage" }],
  ["math_tutor", { name: "math_tutor", displayName: "Math Tutor" }],
]);
const THREAD = { platform: "console", workspace: "local", channel: "console", thread: "t" };
let replyId = 0;
const reply = (agent: string, text: string, kind: "agent" | "notice" = "agent"): OutboundReply => ({
  ...THREAD,
  replyId: ++replyId,
  conversationId: 1,
  agent: AGENTS.get(agent)!,
  text,
  kind,
});

/** A reply of `agent` streamed on the port, as the service opens one on the agent's first words. */
function streamOf(port: TerminalPort, agent: string): ReplyStream {
  return port.openStream({ ...THREAD, conversationId: 1, agent: AGENTS.get(agent)! }, { onPieces: () => undefined });
}

function terminal(colour = false): { port: TerminalPort; screen: () => string[]; raw: () => string } {
  const output = new PassThrough();
  let raw = "";
  output.on("data", (data: Buffer) => (raw += data.toString("utf8")));
  const port = new TerminalPort({ output, paint: createPaint({ enabled: colour, agents: [...AGENTS.keys()] }), agents: AGENTS });
  // A terminal turns each \n into \r\n (the pty's ONLCR); a PassThrough does not.
  return { port, screen: () => screenLines(raw.replace(/\n/g, "\r\n")).filter((line) => line !== ""), raw: () => raw };
}

it("shows a streamed reply once, even when it is finished after the next agent was handed the turn", async () => {
  const { port, screen } = terminal();
  port.beginTurn();
  const triage = streamOf(port, "triage_agent");
  triage.append("A math ");
  triage.append("question.");
  port.onHandoff("triage_agent", "math_tutor");
  expect(screen()).toEqual(["Triage: A math question.", "→ Math Tutor", "⠋ Math Tutor is thinking…"]);
  await triage.finish("A math question.");
  const tutor = streamOf(port, "math_tutor");
  tutor.append("2x.");
  await tutor.finish("2x.");
  port.endTurn("answered");
  expect(screen()).toEqual(["Triage: A math question.", "→ Math Tutor", "Math Tutor: 2x."]);
});

it("prints a reply that did not stream, with the handoff line when the agent changed, and keeps waiting for the next one", async () => {
  const { port, screen } = terminal();
  port.beginTurn();
  await port.deliver(reply("triage_agent", "Routing you."));
  port.onHandoff("triage_agent", "math_tutor");
  expect(screen()).toEqual(["Triage: Routing you.", "→ Math Tutor", "⠋ Math Tutor is thinking…"]);
  await port.deliver(reply("math_tutor", "Here is how."));
  port.endTurn("answered");
  expect(screen()).toEqual(["Triage: Routing you.", "→ Math Tutor", "Math Tutor: Here is how."]);
});

it("styles notices, says a withheld answer is replaced, and marks a cancelled answer where it stopped", async () => {
  const { port, screen, raw } = terminal(true);
  port.beginTurn();
  streamOf(port, "math_tutor").append("The answer is");
  await port.replaceReply(
    { ...THREAD, replyId: 1, conversationId: 1, platformMessageId: "console-1", agent: AGENTS.get("math_tutor")!, text: "The answer is" },
    "This answer was withheld by Baton's safety check.",
  );
  await port.deliver(reply("triage_agent", "Sorry, the tutors are unavailable right now.", "notice"));
  port.endTurn("answered");
  port.beginTurn();
  const cancelled = streamOf(port, "math_tutor");
  cancelled.append("Let me think");
  await cancelled.abandon();
  port.endTurn("cancelled");
  expect(screen()).toEqual([
    "Math Tutor: The answer is",
    "⚠ Math Tutor's answer above — This answer was withheld by Baton's safety check.",
    "⚠ Sorry, the tutors are unavailable right now.",
    "Math Tutor: Let me think (cancelled)",
  ]);
  expect(raw()).toContain("\u001b[33m⚠ Sorry, the tutors are unavailable right now.\u001b[0m");
  expect(raw()).toContain("\u001b[1;35mMath Tutor\u001b[0m: Let me think");
});

it("writes no control characters from an answer to the terminal (no screen clearing, retitling or clipboard writes)", async () => {
  const { port, raw } = terminal();
  port.beginTurn();
  const stream = streamOf(port, "math_tutor");
  stream.append("Line one\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\r\n\tLine two");
  await stream.finish("Line one\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\r\n\tLine two");
  await port.deliver(reply("triage_agent", "A notice\u001b[31m", "notice"));
  port.endTurn("answered");
  const shown = raw().replace(/\r\u001b\[2K/g, "");
  expect(shown).not.toContain("\u001b");
  expect(shown).toContain("Math Tutor: Line one[2J]0;pwned]52;c;ZXZpbA==\n\tLine two\n");
});

it("marks the words of a stream that broke as interrupted and shows the retried answer once, on its own line", async () => {
  const { port, screen } = terminal();
  port.beginTurn();
  const stream = streamOf(port, "math_tutor");
  stream.append("Let me ");
  stream.append("see");
  stream.restart();
  stream.append("The derivative ");
  stream.append("is 2x.");
  await stream.finish("The derivative is 2x.");
  port.endTurn("answered");
  expect(screen()).toEqual(["Math Tutor: Let me see (interrupted, asking again)", "Math Tutor: The derivative is 2x."]);
});

it("prints whole what it cannot edit: a final text unlike the streamed words, and a reply another process was writing", async () => {
  const { port, screen } = terminal();
  port.beginTurn();
  const stream = streamOf(port, "math_tutor");
  stream.append("The derivative is 2");
  await stream.finish("The derivative is 2x.");
  expect(await port.resume(reply("math_tutor", "Integrate by parts."), ["console-earlier"])).toBe("console-earlier");
  port.endTurn("answered");
  expect(screen()).toEqual(["Math Tutor: The derivative is 2", "Math Tutor: The derivative is 2x.", "Math Tutor: Integrate by parts."]);
});
