// The conversation pages: the filtered, searchable list; one conversation; its exports.

import { Hono } from "hono";
import type { AgentPresentation } from "../../bot/ports.js";
import { frameOf, type ConsoleAppOptions, type ConsoleContext, type ConsoleEnv } from "../context.js";
import { conversationJson, conversationMarkdown } from "../conversation-export.js";
import type { ConversationQuery, ConversationStatusFilter } from "../ports.js";
import { describeScope } from "../scope.js";
import { startOfDay } from "../time-zone.js";
import { noCost } from "../usage-cost.js";
import { conversationListBody, type ListFilters } from "../views/conversation-list.js";
import { conversationBody } from "../views/conversation-page.js";
import { errorPage, layout } from "../views/layout.js";

const PAGE_SIZE = 25;
const STATUSES = new Set<string>(["answered", "failed", "flagged", "unreviewed"]);

export function presentationOf(agents: ReadonlyMap<string, AgentPresentation>): (name: string) => AgentPresentation {
  return (name) => agents.get(name) ?? { name, displayName: name === "" ? "agent" : name };
}

const text = (value: string | undefined, max = 200): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed.slice(0, max);
};

export function conversationRoutes(options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  const now = options.now ?? Date.now;
  const agent = presentationOf(options.agents);
  const cost = options.cost ?? noCost;

  routes.get("/", (c) => c.redirect("/conversations", 303));

  routes.get("/conversations", async (c) => {
    const session = c.get("session");
    const timeZone = c.get("timeZone");
    const q = (name: string) => text(c.req.query(name));
    const page = Math.min(Math.max(Number.parseInt(c.req.query("page") ?? "1", 10) || 1, 1), 10_000);
    const status = q("status");
    const filters: ListFilters = {
      page,
      ...(q("q") !== undefined && { q: q("q") }),
      ...(q("platform") !== undefined && { platform: q("platform") }),
      ...(q("workspace") !== undefined && { workspace: q("workspace") }),
      ...(q("channel") !== undefined && { channel: q("channel") }),
      ...(q("student") !== undefined && { student: q("student") }),
      ...(q("agent") !== undefined && { agent: q("agent") }),
      ...(q("from") !== undefined && { from: q("from") }),
      ...(q("to") !== undefined && { to: q("to") }),
      ...(status !== undefined && STATUSES.has(status) && { status }),
    };
    const from = filters.from === undefined ? undefined : startOfDay(filters.from, timeZone);
    // "To" is inclusive of that day: up to the start of the next one.
    const toDay = filters.to === undefined ? undefined : startOfDay(filters.to, timeZone);
    const query: ConversationQuery = {
      scope: session.scope,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
      ...(filters.platform !== undefined && { platform: filters.platform }),
      ...(filters.workspace !== undefined && { workspace: filters.workspace }),
      ...(filters.channel !== undefined && { channel: filters.channel }),
      ...(filters.student !== undefined && { student: filters.student }),
      ...(filters.agent !== undefined && { agent: filters.agent }),
      ...(filters.status !== undefined && { status: filters.status as ConversationStatusFilter }),
      ...(filters.q !== undefined && { search: filters.q }),
      ...(from !== undefined && { from }),
      ...(toDay !== undefined && { to: toDay + 86_400_000 }),
    };
    const [result, choices] = await Promise.all([options.store.listConversations(query), options.store.filterChoices(session.scope)]);
    await options.store.recordAccess({ at: now(), actor: session.actor, scope: describeScope(session.scope), action: filters.q === undefined ? "list" : "search" });
    const body = conversationListBody({ page: result, filters, choices: { ...choices, flags: options.store.features.flags }, timeZone });
    return c.html(layout(frameOf(c, "Conversations", "conversations"), body));
  });

  routes.get("/conversations/:id{[0-9]+}", async (c) => {
    const session = c.get("session");
    const id = Number(c.req.param("id"));
    const detail = await options.store.conversation(session.scope, id);
    if (detail === undefined) return notFound(c);
    await options.store.recordAccess({ at: now(), actor: session.actor, scope: describeScope(session.scope), action: "view", conversationId: id });
    const access = await options.store.accessLog(id, 20);
    const body = conversationBody({
      detail,
      access,
      agent,
      graph: options.graph,
      cost,
      timeZone: c.get("timeZone"),
      csrf: session.csrf,
    });
    return c.html(layout(frameOf(c, `Conversation #${id}`, "conversations"), body));
  });

  routes.get("/conversations/:id{[0-9]+}/export.:format{md|json}", async (c) => {
    const session = c.get("session");
    const id = Number(c.req.param("id"));
    const format = c.req.param("format") === "md" ? "md" : "json";
    const detail = await options.store.conversation(session.scope, id);
    if (detail === undefined) return notFound(c);
    await options.store.recordAccess({ at: now(), actor: session.actor, scope: describeScope(session.scope), action: `export-${format}`, conversationId: id });
    c.header("Content-Disposition", `attachment; filename="conversation-${id}.${format}"`);
    if (format === "md") {
      c.header("Content-Type", "text/markdown; charset=utf-8");
      return c.body(conversationMarkdown(detail, { agent, cost }));
    }
    return c.json(conversationJson(detail, { agent, cost }));
  });

  return routes;
}

export function notFound(c: ConsoleContext, what = "conversation"): Response | Promise<Response> {
  return c.html(errorPage(frameOf(c, "Not found"), "Not found", `There is no such ${what}, or it is outside what this session may read.`), 404);
}
