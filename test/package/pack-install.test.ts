// npm pack → a new project → npm ci --offline with the tarball → tsc → the docs' library example against the fake OpenAI.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { seedResponder } from "../support/seed-responder.js";
import { compile, firstCodeBlock, installOffline, linkNativeSqlite, packBaton, removeTree, REPO, runNode, writeProject } from "./packed-project.js";

let dir: string;
let project: string;
let packedFiles: string[];
let fake: FakeOpenAI;

// The engine alone, as `baton/workflow`: a model of the program's own behind the ChatClient interface.
const ENGINE_ONLY = `import { AgentWorkflowBuilder, ChatClientAgent, ChatMessage, InProcessExecution, type ChatClient } from "baton/workflow";

const echo: ChatClient = {
  async getResponse(request) {
    const last = request.messages[request.messages.length - 1];
    return { text: \`echo: \${last !== undefined && typeof last.content === "string" ? last.content : ""}\`, toolCalls: [] };
  },
  async *getStreamingResponse(request) {
    yield { type: "done", response: await this.getResponse(request) };
  },
};
const agent = new ChatClientAgent({ client: echo, name: "echo_agent", instructions: "Echo." });
const { result } = await InProcessExecution.run(AgentWorkflowBuilder.startHandoffWith(agent).build(), [new ChatMessage("user", "hi")]);
process.stdout.write(result.messages.map((m) => \`\${m.authorName}: \${m.text}\`).join("\\n"));
`;

// The store, from a working directory that has no migrations/ of its own: they must come from the package.
const STORE = `import { createConversationApp, DemoChatClient } from "baton";
import pino from "pino";

const app = createConversationApp({
  databasePath: "baton.db",
  agentsFile: "agents.yaml",
  llm: new DemoChatClient(),
  limits: { maxInputChars: 4000, historyMessages: 40, historyTokens: 8000, rateLimitPerMinute: 10 },
  logger: pino({ level: "silent" }),
});
const rows = app.db.prepare("SELECT name FROM schema_migrations ORDER BY version").all();
process.stdout.write(JSON.stringify(rows));
await app.close();
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-pack-"));
  project = join(dir, "project");
  fake = await startFakeOpenAI();
  fake.setResponder(seedResponder);
  const { tarball, files } = await packBaton(dir);
  packedFiles = files;
  mkdirSync(project);
  writeProject(project, tarball);
  await installOffline(project);
  linkNativeSqlite(project);
  writeFileSync(join(project, "example.ts"), firstCodeBlock(join(REPO, "docs/library.md"), "ts"));
  writeFileSync(join(project, "readme-example.ts"), firstCodeBlock(join(REPO, "README.md"), "ts"));
  writeFileSync(join(project, "engine-only.ts"), ENGINE_ONLY);
  writeFileSync(join(project, "store.ts"), STORE);
  copyFileSync(join(REPO, "agents.yaml"), join(project, "agents.yaml"));
  await compile(project);
}, 180_000);

afterAll(async () => {
  await fake?.close();
  // 20,000 files: seconds on an idle disk, minutes on a machine whose disk other work keeps busy.
  if (dir !== undefined) await removeTree(dir);
}, 300_000);

it("ships dist/ (code and types), the migrations, README and LICENSE, and nothing else", () => {
  const outside = packedFiles.filter((path) => !path.startsWith("dist/"));
  const migrations = readdirSync(join(REPO, "migrations")).filter((name) => name.endsWith(".sql")).map((name) => `migrations/${name}`);
  expect(outside.sort()).toEqual(["LICENSE", "README.md", ...migrations, "package.json"].sort());
  expect(packedFiles).toContain("dist/index.js");
  expect(packedFiles).toContain("dist/workflow/index.d.ts");
  expect(packedFiles.filter((path) => path.startsWith("dist/") && !/\.(js|d\.ts)$/.test(path))).toEqual([]);
});

it("installs with one openai, the project's own, so its client type is Baton's (no #private clash)", () => {
  expect(existsSync(join(project, "node_modules/openai/package.json"))).toBe(true);
  expect(existsSync(join(project, "node_modules/baton/node_modules/openai"))).toBe(false);
});

it("runs the docs' example as pasted, printing each agent's name once per message", async () => {
  const output = await runNode(project, "out/example.js", { OPENAI_API_KEY: "sk-pasted-example", OPENAI_BASE_URL: fake.url });
  expect(output).toBe(
    "triage_agent: This is a math question. I'll hand this off to the math tutor.\n" +
      'math_tutor: math_tutor on "What is the derivative of x^2?": here is the answer.\n',
  );
  expect(fake.requests.map((request) => request.stream)).toEqual([true, true]);
  expect(fake.requests[0]?.apiKey ?? fake.requests[0]?.authorization).toContain("sk-pasted-example");
});

it("runs the README's example as pasted: the current builder names, a human participant, events by their type", async () => {
  const before = fake.requests.length;
  const output = await runNode(project, "out/readme-example.js", { OPENAI_API_KEY: "sk-readme-example", OPENAI_BASE_URL: fake.url });
  expect(output).toBe(
    "triage_agent: This is a math question. I'll hand this off to the math tutor.\n" +
      "→ math_tutor\n" +
      'math_tutor: math_tutor on "What is the derivative of x^2?": here is the answer.\n',
  );
  const offered = fake.requests[before]?.body.tools?.map((tool) => (tool.type === "function" ? tool.function.name : tool.type));
  expect(offered).toEqual(["handoff_to_math_tutor", "handoff_to_teacher"]);
});

it("runs the engine alone from baton/workflow", async () => {
  expect(await runNode(project, "out/engine-only.js", {})).toBe("echo_agent: echo: hi");
});

it("opens the store with the migrations shipped in the package, whatever the working directory", async () => {
  const applied = JSON.parse(await runNode(project, "out/store.js", {})) as Array<{ name: string }>;
  const shipped = packedFiles.filter((path) => path.startsWith("migrations/"));
  expect(applied).toHaveLength(shipped.length);
  expect(existsSync(join(project, "migrations"))).toBe(false);
});
