// The console in a real browser: Debian's Chromium, driven by playwright-core, against the real console server on
// 127.0.0.1 and a real SQLite file. A moderator opens a signed link, searches, opens the conversation, sees the handoff
// timeline and the student's photo, marks the flag reviewed and downloads the Markdown export.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { chromium, type BrowserContext } from "playwright-core";
import { afterEach, expect, it } from "vitest";
import { startConsoleServer, type RunningConsole } from "../../src/admin/console-server.js";
import { costPerMillion } from "../../src/admin/usage-cost.js";
import { presentations } from "../../src/app/agent-presentations.js";
import { buildWorkflow } from "../../src/app/workflow-from-roster.js";
import { loadRoster } from "../../src/config/agents-file.js";
import { AttachmentStore } from "../../src/store/attachment-store.js";
import { FlagStore } from "../../src/store/flag-store.js";
import { ConversationStore, openDatabase, type Database } from "../../src/store/index.js";
import { UsageStore } from "../../src/store/usage-store.js";
import { worksheetImage } from "../support/sample-images.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
const ROSTER = new URL("../../agents.yaml", import.meta.url).pathname;
const SECRET = "browser-test-secret-0123456789abcdef0123456789";

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A guild with a photographed worksheet, a handoff and a flag; another guild's conversation the link must not reach. */
async function seedDatabase(db: Database): Promise<{ conversationId: number; flagId: number; attachmentId: number }> {
  const store = new ConversationStore(db);
  const key = { platform: "discord", workspace: "guild-1", channel: "homework" };
  const conversation = store.getOrCreateConversation({ ...key, thread: "worksheet" });
  const question = store.appendUserMessage(conversation.id, {
    userId: "stu-1",
    userName: "Ada",
    text: "How do I do number 3 on my quadratic equations worksheet? <script>alert(1)</script>",
  });
  const photo = new AttachmentStore(db).add({
    messageId: question.id,
    origin: "upload",
    kind: "image",
    mediaType: "image/png",
    fileName: "worksheet.png",
    data: await worksheetImage(320, 200),
    width: 320,
    height: 200,
  });
  store.appendAgentReply(conversation.id, {
    message: { role: "assistant", text: "", authorAgent: "triage_agent", usage: { promptTokens: 180, completionTokens: 12, totalTokens: 192 } },
    handoff: { from: "triage_agent", to: "math_tutor", reason: "a quadratic equation from a worksheet" },
  });
  store.appendAgentReply(conversation.id, {
    message: {
      role: "assistant",
      text: "Number 3 is x² − 5x + 6 = 0. Which two numbers multiply to 6 and add up to −5?",
      authorAgent: "math_tutor",
      usage: { promptTokens: 420, completionTokens: 36, totalTokens: 456 },
    },
    reply: { agentName: "math_tutor", text: "…" },
  });
  store.completeTurn(question.id, "completed");
  new UsageStore(db).add({ platform: "discord", workspace: "guild-1", day: new Date().toISOString().slice(0, 10), userId: "stu-1", model: "gpt-4o-mini", promptTokens: 600, completionTokens: 48 });
  const flagId = new FlagStore(db, Date.now).record({
    conversationId: conversation.id,
    messageId: question.id,
    userId: "stu-1",
    userName: "Ada",
    source: "input",
    categories: { harassment: 0.62 },
    action: "answer",
    severity: "alert",
    text: question.text,
  });
  const elsewhere = store.getOrCreateConversation({ ...key, workspace: "guild-2", thread: "other" });
  store.appendUserMessage(elsewhere.id, { userId: "stu-9", userName: "Zed", text: "another server's quadratic question" });
  return { conversationId: conversation.id, flagId, attachmentId: photo.id };
}

async function launch(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "baton-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
    timezoneId: "Europe/Paris",
    acceptDownloads: true,
  });
  cleanup.push(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

it("a moderator goes from a signed link to the whole conversation, reviews its flag and exports it", { timeout: 180_000 }, async (test) => {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} is missing (install Debian's chromium package: apt-get install -y chromium)`;
    if (process.env.CI === "true") throw new Error(`The browser test needs Chromium under CI: ${reason}.`);
    process.stdout.write(`browser test skipped: ${reason}\n`);
    test.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "baton-browser-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, "baton.db"));
  cleanup.push(() => {
    db.close();
  });
  const seeded = await seedDatabase(db);
  const workflow = buildWorkflow(loadRoster(ROSTER), new ScriptedChatClient(), ROSTER);
  const server: RunningConsole = await startConsoleServer({
    settings: { port: 0, host: "127.0.0.1", secret: SECRET },
    db,
    workflow,
    agents: presentations(workflow),
    logger: pino({ level: "silent" }),
    cost: costPerMillion({ input: 0.15, output: 0.6 }),
  });
  cleanup.push(() => server.close());
  const link = server.links.linkFor({ platform: "discord", workspace: "guild-1", moderator: { id: "mod-1", name: "Ms Rivera" } });
  expect(link.startsWith(`${server.url}/auth?t=`)).toBe(true);

  const context = await launch();
  const page = await context.newPage();
  const scriptErrors: string[] = [];
  page.on("pageerror", (error) => scriptErrors.push(error.message));

  // The link's page refreshes to the list; the time-zone script then reloads it once in the browser's zone.
  await page.goto(link);
  await page.waitForURL(`${server.url}/conversations`);
  // (Page functions are strings: this file is compiled without the DOM's types.)
  // Polled through page.evaluate: waitForFunction evaluates its string with eval in the page, which the console's CSP
  // (no 'unsafe-eval') refuses in some Chromium builds. 30 s, as waitForFunction waited: the page reloads once meanwhile.
  await expect.poll(() => page.evaluate("document.documentElement.dataset.tz"), { timeout: 30_000 }).toBe("Europe/Paris");
  await expect.poll(() => page.locator(".who .scope").textContent()).toBe("discord server guild-1");

  await page.fill('input[name="q"]', "quadratic");
  await page.click('button:has-text("Apply")');
  await page.waitForURL(/\/conversations\?q=quadratic/);
  const rows = page.locator("ol.conversations li.conversation");
  expect(await rows.count()).toBe(1);
  expect(await rows.first().locator("mark").first().textContent()).toBe("quadratic");

  await rows.first().locator("a.row-link").click();
  await page.waitForURL(`${server.url}/conversations/${seeded.conversationId}`);
  const timeline = (await page.locator("ol.timeline").textContent()) ?? "";
  expect(timeline).toContain("Triage");
  expect(timeline).toContain("Math Tutor");
  expect(timeline).toContain("a quadratic equation from a worksheet");
  // The student's <script> is text on the page, never run.
  expect(await page.locator(".message.from-student .text").textContent()).toContain("<script>alert(1)</script>");
  const photo = page.locator(`.attachments img[src="/attachments/${seeded.attachmentId}"]`);
  await photo.waitFor();
  await expect.poll(() => page.evaluate(`document.querySelector('.attachments img[src="/attachments/${seeded.attachmentId}"]')?.complete === true`), { timeout: 30_000 }).toBe(true);
  expect(await page.evaluate(`document.querySelector('.attachments img[src="/attachments/${seeded.attachmentId}"]').naturalWidth`)).toBe(320);
  expect(await page.locator(`#flag-${seeded.flagId} .badge`).textContent()).toBe("alert");

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "moderator-console.png"), fullPage: true });

  await page.locator(`#flag-${seeded.flagId} button:has-text("Mark reviewed")`).click();
  await page.waitForURL(`${server.url}/conversations/${seeded.conversationId}#flag-${seeded.flagId}`);
  expect(await page.locator(`#flag-${seeded.flagId} .reviewed-by`).textContent()).toContain("Reviewed by Ms Rivera");
  expect(db.prepare("SELECT reviewed_by FROM flags WHERE id = ?").pluck().get(seeded.flagId)).toBe("Ms Rivera");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click('a:has-text("Export Markdown")')]);
  expect(download.suggestedFilename()).toBe(`conversation-${seeded.conversationId}.md`);
  const markdown = readFileSync(await download.path(), "utf8");
  expect(markdown).toContain(`# Conversation #${seeded.conversationId}`);
  expect(markdown).toContain("> How do I do number 3 on my quadratic equations worksheet? &lt;script>alert(1)&lt;/script>");
  expect(markdown).toContain(`- attachment #${seeded.attachmentId}: worksheet.png (image/png,`);
  expect(markdown).toContain("_Handoff: triage_agent → math_tutor (a quadratic equation from a worksheet)");
  expect(markdown).toContain(`_Flag #${seeded.flagId}: alert, harassment 0.62, answer, reviewed by Ms Rivera._`);
  expect(scriptErrors).toEqual([]);
});
