// The adapter contract suite (Hono's common.case.test.ts pattern): every platform adapter runs these cases through its
// harness (adapter-harness.ts) — the real app over the platform's fake, a fake model the cases hold mid-answer.

import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import type { FakeResponder, RecordedRequest } from "../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import type { AdapterApp, AdapterHarness, CrashableApp, SeenMessage } from "./adapter-harness.js";

const NARRATION = "This is a math question. I'll hand this off to the math tutor.";
const ANSWER = "The derivative of x^2 is 2x, by the power rule: bring the power down and take one from it.";

/** The tutor answers `text` (held after `hold.chunks` stream events until `hold.until` settles); triage plays the seed. */
function tutorSays(text: string, hold?: { readonly chunks: number; readonly until: Promise<unknown> }): FakeResponder {
  return (request: RecordedRequest) =>
    requestAgent(request) === "math_tutor" ? { text, ...(hold === undefined ? {} : { holdAfterChunks: hold }) } : seedResponder(request);
}

/** A promise the case settles when it lets the model go on. */
function gate(): { readonly until: Promise<void>; open(): void } {
  let open!: () => void;
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

const view = (messages: readonly SeenMessage[]): Array<[string, string]> => messages.map((message) => [message.author, message.text]);

/** The lines of a text that carry content: no blank lines, no code-fence lines (a split closes and reopens fences). */
const contentLines = (text: string): string[] => text.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("```"));
const fenceCount = (text: string): number => text.split("\n").filter((line) => line.trimStart().startsWith("```")).length;

/** The message ids a streamed reply of `agent` was recorded under (read from the app's database file). */
function recordedPieces(databasePath: string, agent: string): string[] {
  const db = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT pieces FROM reply_streams WHERE agent_name = ? ORDER BY id").all(agent) as Array<{ pieces: string }>;
    return rows.flatMap((row) => JSON.parse(row.pieces) as string[]);
  } finally {
    db.close();
  }
}

export function runAdapterContract(harness: AdapterHarness): void {
  const { capabilities } = harness;
  const tutor = harness.authorOf("math_tutor");
  const triage = harness.authorOf("triage_agent");
  let running: AdapterApp | CrashableApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  const start = async (): Promise<AdapterApp> => {
    const app = await harness.start();
    running = app;
    return app;
  };
  const tutorReplies = (app: AdapterApp | CrashableApp, thread: { id: string }) => app.replies(thread).filter((message) => message.author === tutor);

  describe(`the adapter contract on ${harness.platform}`, () => {
    test("a reply is delivered once, under its agent's name: triage's narration, then the tutor's own message", async () => {
      const app = await start();
      const asked = await app.ask("What is the derivative of x^2?");
      await asked.answered;
      const replies = app.replies(asked.thread);
      expect(view(replies)).toEqual([
        [triage, harness.rendered(NARRATION)],
        [tutor, harness.rendered('math_tutor on "What is the derivative of x^2?": here is the answer.')],
      ]);
      expect(new Set(replies.map((message) => message.id)).size).toBe(2);
      // Never an empty placeholder: every text a message ever showed was the start of its answer, with words in it.
      for (const message of replies) {
        expect(message.shown.filter((text) => text.trim() === "" || !message.text.startsWith(text.trim()))).toEqual([]);
      }
      expect(app.model.requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor"]);
    });

    test("a handoff with no text shows nothing", async () => {
      const app = await start();
      app.model.setResponder((request) => {
        const script = seedResponder(request);
        return requestAgent(request) === "triage_agent" && "toolCalls" in script ? { ...script, text: "" } : script;
      });
      const asked = await app.ask("What is 2+2?");
      await asked.answered;
      expect(view(app.replies(asked.thread))).toEqual([[tutor, harness.rendered('math_tutor on "What is 2+2?": here is the answer.')]]);
    });

    test("the tutor's first words are visible before the model finishes, and the message ends on the whole answer", async () => {
      const app = await start();
      const model = gate();
      app.model.setResponder(tutorSays(ANSWER, { chunks: 4, until: model.until }));
      const asked = await app.ask("What is the derivative of x^2?");
      // Three words are out and the model waits: they are on the platform already.
      await app.waitUntil(() => tutorReplies(app, asked.thread).some((message) => message.text.trim() !== ""));
      const early = tutorReplies(app, asked.thread)[0]!;
      expect(harness.rendered(ANSWER).startsWith(early.text.trim())).toBe(true);
      expect(early.text.trim().length).toBeLessThan(ANSWER.length);
      model.open();
      await asked.answered;
      expect(view(tutorReplies(app, asked.thread))).toEqual([[tutor, harness.rendered(ANSWER)]]);
      // The same message grew: the early words were its first text.
      expect(tutorReplies(app, asked.thread)[0]!.id).toBe(early.id);
    });

    test("the final text is the model's exactly: inner whitespace, blank lines and code fences kept", async () => {
      const app = await start();
      const text = "Let us check:\n\n```python\ndef f(x):\n    return x  *  2   # twice\n\n\nprint(f(2))\n```\n\nSo   f(2) = 4.\t\n";
      app.model.setResponder(tutorSays(text));
      const asked = await app.ask("What is 2*2 in Python?");
      await asked.answered;
      expect(tutorReplies(app, asked.thread).map((message) => message.text)).toEqual([harness.rendered(text.trim())]);
    });

    test("a long answer keeps every line, each message within the platform's limit with its code fences balanced", async () => {
      const app = await start();
      const prose = (n: number): string => Array.from({ length: n }, (_, i) => `Sentence ${i} of the explanation says one more thing about the method.`).join(" ");
      const code = Array.from({ length: 55 }, (_, i) => `const step${i} = previous${i} + ${i}; // line ${i} of the worked example`).join("\n");
      const text = `${prose(18)}\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${prose(8)}`;
      expect(text.length).toBeGreaterThan(5_000);
      app.model.setResponder(tutorSays(text));
      const asked = await app.ask("Show me the whole worked example for 2+2");
      await asked.answered;
      const messages = tutorReplies(app, asked.thread);
      const limit = capabilities.messageLimit ?? Number.POSITIVE_INFINITY;
      if (capabilities.messageLimit === undefined) expect(messages).toHaveLength(1);
      else expect(messages.length).toBeGreaterThan(1);
      for (const message of messages) {
        expect(message.text.length).toBeLessThanOrEqual(limit);
        expect(fenceCount(message.text) % 2).toBe(0);
        for (const shown of message.shown) expect(shown.length).toBeLessThanOrEqual(limit);
      }
      expect(messages.flatMap((message) => contentLines(message.text))).toEqual(contentLines(harness.rendered(text)));
    });

    if (capabilities.broadcastMentions) {
      test("nothing the model writes pings the channel", async () => {
        const app = await start();
        app.model.setResponder(tutorSays("Good question @everyone and @here! <!channel> <!here> <!everyone> The answer is 4."));
        const asked = await app.ask("What is 2+2?");
        await asked.answered;
        expect(tutorReplies(app, asked.thread)).toHaveLength(1);
        expect(app.pings()).toEqual([]);
      });
    }

    if (capabilities.redelivery) {
      test("an event the platform delivers twice is answered once", async () => {
        const app = await start();
        const asked = await app.ask("What is 2+2?");
        await asked.answered;
        const again = await app.followUp(asked.thread, "And 3+3?", { deliveries: 2 });
        await again.answered;
        // A turn the duplicate started would run before this one (a conversation's turns go in order).
        await (await app.followUp(asked.thread, "And 4+4?")).answered;
        expect(view(app.replies(asked.thread)).map(([author]) => author)).toEqual([triage, tutor, triage, tutor, triage, tutor]);
        expect(app.model.requests).toHaveLength(6);
      });
    }

    if (capabilities.editRateLimits) {
      test("an edit refused with 429 is sent again after retry-after, and the answer loses nothing", async () => {
        const app = await start();
        const model = gate();
        app.model.setResponder(tutorSays(ANSWER, { chunks: 3, until: model.until }));
        const limit = app.limitEdits!(0.3);
        const asked = await app.ask("What is the derivative of x^2?");
        await app.waitUntil(() => tutorReplies(app, asked.thread).length > 0);
        model.open();
        await asked.answered;
        // Refused once, then waited out: an edit sent again before retry-after would have been refused again.
        expect(limit.refusals().length).toBeGreaterThan(0);
        expect(limit.refusals()).toEqual(limit.refusals().map(() => 1));
        expect(view(app.replies(asked.thread))).toEqual([
          [triage, harness.rendered(NARRATION)],
          [tutor, harness.rendered(ANSWER)],
        ]);
      });
    }

    test(
      capabilities.editsInPlace
        ? "a crash mid-stream: the next start finishes the same message, posting nothing again"
        : "a crash mid-stream: the next start shows the whole answer once, and nothing else again",
      async () => {
        const app = await harness.startCrashable();
        running = app;
        app.model.setResponder(tutorSays(ANSWER, { chunks: 4, until: new Promise(() => undefined) }));
        const thread = await app.ask("What is the derivative of x^2?");
        await app.waitUntil(() => tutorReplies(app, thread).some((message) => message.text.trim() !== ""));
        const opened = tutorReplies(app, thread)[0]!;
        // The message is durable before the process dies (recorded right after its first post).
        await app.waitUntil(() => recordedPieces(app.databasePath, "math_tutor").length > 0);
        await app.crash();
        const before = app.replies(thread);
        app.model.setResponder(tutorSays(ANSWER));
        await app.restart();
        const after = app.replies(thread);
        if (capabilities.editsInPlace) {
          expect(after.map((message) => [message.id, message.author, message.text])).toEqual([
            [before[0]!.id, triage, harness.rendered(NARRATION)],
            [opened.id, tutor, harness.rendered(ANSWER)],
          ]);
        } else {
          // What the first process printed stays; the next one prints the tutor's whole answer, once, and not triage's.
          expect(view(after.slice(0, before.length))).toEqual(view(before));
          expect(view(after.slice(before.length))).toEqual([[tutor, harness.rendered(ANSWER)]]);
        }
      },
      60_000, // two processes start (tsx) on a loaded machine
    );
  });
}
