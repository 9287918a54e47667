// A strict fake Discord on 127.0.0.1: REST under /api/v10 plus a v10 JSON gateway, for the real discord.js client.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ChannelType,
  GatewayDispatchEvents,
  MessageType,
  type APIAttachment,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APIThreadChannel,
  type APIUser,
} from "discord.js";
import { FakeCdn, type AttachmentInput } from "./cdn.js";
import { channelRoutes } from "./channel-routes.js";
import { CommandRegistry, commandRoutes } from "./command-routes.js";
import { rateLimited, serverError, type FaultOptions } from "./faults.js";
import { RouteLimits, type RouteLimitOptions } from "./route-limits.js";
import { FakeGateway, type IdentifyRecord } from "./gateway.js";
import { guildRoutes } from "./guild-routes.js";
import { Intent } from "./gateway-payloads.js";
import { interactionCallbackRoute } from "./interaction-routes.js";
import { messageReadRoutes } from "./message-read-routes.js";
import { InteractionRegistry, type ButtonClickInput, type SlashCommandInput, type StoredInteraction } from "./interactions.js";
import type { Hold } from "../held-calls.js";
import { RestRouter, type RecordedCall } from "./rest-router.js";
import { parseAllowedMentions } from "./validation.js";
import { webhookRoutes } from "./webhook-routes.js";
import { FakeWorld, type StoredMessage, type StoredWebhook } from "./world.js";

export type { AttachmentInput } from "./cdn.js";
export {
  attachmentOption,
  channelOption,
  integerOption,
  stringOption,
  userOption,
  type ButtonClickInput,
  type CommandOption,
  type SlashCommandInput,
  type StoredInteraction,
} from "./interactions.js";
export { BOT_PERMISSIONS, MODERATOR_PERMISSIONS, STUDENT_PERMISSIONS, type StoredMessage, type StoredWebhook } from "./world.js";
export type { RecordedCall } from "./rest-router.js";
export type { Hold } from "../held-calls.js";
export type { IdentifyRecord } from "./gateway.js";
export { Intent } from "./gateway-payloads.js";

export interface FakeDiscordOptions {
  readonly token?: string;
  /** Text channels of the one guild; default ["homework", "general"]. */
  readonly channelNames?: readonly string[];
  /** Whether the app may request the privileged Message Content intent (else IDENTIFY with it closes 4014). Default true. */
  readonly messageContentIntent?: boolean;
  readonly heartbeatIntervalMs?: number;
  /** Enforce Discord's per-route limit on webhook routes (execute; edit/delete of its messages), per webhook. */
  readonly webhookRateLimit?: RouteLimitOptions;
  /** Every REST answer waits this long (the bench's platform latency). */
  readonly latencyMs?: number;
}

export interface UserMessageInput {
  readonly channelId: string;
  readonly author: APIUser;
  readonly content: string;
  readonly attachments?: APIMessage["attachments"];
  /** A system message (e.g. MessageType.ChannelPinnedMessage) instead of a normal one. */
  readonly type?: MessageType;
}

export interface FakeDiscord {
  /** For `new Client({ rest: { api } })` and DISCORD_API_URL: the REST base without the version. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly botUser: APIUser;
  readonly world: FakeWorld;
  readonly gateway: FakeGateway;
  readonly commands: CommandRegistry;
  /** Every REST call, in arrival order, with its answer once given. */
  readonly calls: readonly RecordedCall[];
  /** Exceptions of the fake's own handlers (answered 500); a passing test leaves this empty. */
  readonly internalErrors: readonly unknown[];
  channelId(name: string): string;
  /** Resolves with the first answered call (past or future) that matches. */
  waitForCall(matches: (call: RecordedCall) => boolean): Promise<RecordedCall>;
  /** Resolves once `condition` holds, checking it again after every answered call (e.g. "3 replies posted"). */
  waitUntil(condition: () => boolean): Promise<void>;
  /** Holds calls of a route ("POST /channels/:channelId/messages/:messageId/threads") open until released. */
  hold(route: string): Hold;
  /** Answered calls with this method whose path matches. */
  callsTo(method: string, path: RegExp): RecordedCall[];
  /** Resolves once `count` sessions have identified and received READY + GUILD_CREATE. */
  waitForReady(count?: number): Promise<IdentifyRecord>;
  /** A member of the guild, with these roles besides @everyone. */
  addUser(username: string, options?: { readonly nickname?: string; readonly bot?: boolean; readonly roles?: readonly string[] }): APIUser;
  /** A server role granting `permissions` (its id goes in `addUser`'s roles and in overwrites). */
  addRole(name: string, permissions: bigint): APIRole;
  /** Sets a text channel's permission overwrite for a role (type 0) or a member (type 1). */
  setOverwrite(channelId: string, overwrite: APIOverwrite): void;
  /**
   * The next matching REST calls answer HTTP 429 as Discord does (Retry-After, X-RateLimit-*, retry_after in the body).
   * `lasting`: each 429 also refuses the route until its retry_after has passed, as Discord does (an early retry is refused).
   */
  rateLimit(options: FaultOptions & { readonly retryAfterSeconds?: number; readonly lasting?: boolean }): void;
  /** The next matching REST calls answer HTTP 500. */
  failWithServerError(options: FaultOptions): void;
  /** Faults answered so far (rate limits and server errors). */
  faultsServed(): number;
  /** A file a member uploads: on the fake CDN (signed link, served on 127.0.0.1), for a message or an attachment option. */
  uploadAttachment(input: AttachmentInput): APIAttachment;
  /** The CDN's downloads so far (path and status). */
  readonly cdnDownloads: ReadonlyArray<{ readonly path: string; readonly status: number }>;
  /** Calls refused with 429 by the per-route limits (webhookRateLimit). */
  rateLimitRefusals(): number;
  /** A member writes a message: stored and dispatched as MESSAGE_CREATE (content hidden without the intent). */
  userSays(input: UserMessageInput): StoredMessage;
  /** A member clicks a button of a message: a MESSAGE_COMPONENT INTERACTION_CREATE; the 3-second window starts now. */
  clickButton(input: ButtonClickInput): StoredInteraction;
  /** A member runs a slash command: dispatched as INTERACTION_CREATE; the 3-second window starts now. */
  slashCommand(input: SlashCommandInput): StoredInteraction;
  /**
   * Sends a slash command's INTERACTION_CREATE again, as a resumed gateway session replays the events it missed (the
   * interaction is the same: answering it twice is refused, 40060).
   */
  replayInteraction(interaction: StoredInteraction): void;
  messagesIn(channelId: string): StoredMessage[];
  threadsIn(parentId: string): APIThreadChannel[];
  webhooksIn(channelId: string): StoredWebhook[];
  /** Deletes a webhook behind the bot's back (executing it then answers 404 10015). */
  deleteWebhook(id: string): void;
  /** Grants or takes away Manage Webhooks: without it, listing and creating webhooks answer 403 50013. */
  setCanManageWebhooks(allowed: boolean): void;
  /** Grants or takes away Create Public Threads: without it, creating a thread answers 403 50013. */
  setCanCreateThreads(allowed: boolean): void;
  /** Grants or takes away Attach Files: without it, the bot's own post with files answers 403 50013. */
  setCanAttachFiles(allowed: boolean): void;
  /** The bytes Discord stored for an attachment (by its id), as uploaded. */
  attachmentBytes(attachmentId: string): Uint8Array | undefined;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const world = new FakeWorld({ token: options.token ?? "fake-bot-token", channelNames: options.channelNames ?? ["homework", "general"] });
  let port = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${port}/gateway`;
  const gateway = new FakeGateway(world, {
    url: gatewayUrl,
    messageContentAllowed: options.messageContentIntent ?? true,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
  });
  const interactions = new InteractionRegistry(world);
  /** Slash commands' INTERACTION_CREATE payloads, to be replayed. */
  const commandPayloads = new Map<string, Record<string, unknown>>();
  const commands = new CommandRegistry();
  const router = new RestRouter(world.token);
  const routeLimits = options.webhookRateLimit === undefined ? undefined : new RouteLimits(options.webhookRateLimit);
  router.limits = routeLimits;
  router.latencyMs = options.latencyMs ?? 0;
  router.add(
    ...channelRoutes({ world, gateway, gatewayUrl }),
    ...webhookRoutes({ world, gateway, interactions }),
    interactionCallbackRoute({ world, gateway, interactions }),
    ...commandRoutes(world, commands),
    ...messageReadRoutes(world),
    ...guildRoutes(world, { messageContentIntent: options.messageContentIntent ?? true }),
  );
  const cdn = new FakeCdn(() => `http://127.0.0.1:${port}`, () => world.nextId());
  const server = createServer((request, response) => {
    if (!cdn.serve(request, response)) void router.serve(request, response);
  });
  server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    token: world.token,
    applicationId: world.applicationId,
    guildId: world.guildId,
    botUser: world.botUser,
    world,
    gateway,
    commands,
    calls: router.calls,
    internalErrors: router.internalErrors,
    channelId(name) {
      const channel = [...world.channels.values()].find((candidate) => candidate.name === name && candidate.type === ChannelType.GuildText);
      if (channel === undefined) throw new Error(`fake Discord: no text channel named ${name}`);
      return channel.id;
    },
    waitForCall: (matches) => router.waitForCall(matches),
    waitUntil: (condition) => router.waitUntil(condition),
    hold: (route) => router.hold(route),
    callsTo: (method, path) => router.calls.filter((call) => call.status !== 0 && call.method === method && path.test(call.path)),
    waitForReady: (count) => gateway.waitForReady(count),
    addUser: (username, userOptions) => world.addUser(username, userOptions),
    addRole: (name, permissions) => world.addRole(name, permissions),
    setOverwrite: (channelId, overwrite) => world.setOverwrite(channelId, overwrite),
    rateLimit: (options) =>
      options.lasting === true
        ? router.faults.addLastingRateLimit({ ...options, retryAfterSeconds: options.retryAfterSeconds ?? 0.05 })
        : router.faults.add(options, () => rateLimited(options.retryAfterSeconds ?? 0.05)),
    failWithServerError: (options) => router.faults.add(options, serverError),
    faultsServed: () => router.faults.served,
    uploadAttachment(input) {
      const attachment = cdn.add(input);
      world.uploads.set(attachment.id, attachment);
      return attachment;
    },
    cdnDownloads: cdn.downloads,
    rateLimitRefusals: () => routeLimits?.refused ?? 0,
    userSays(input) {
      const message = world.createMessage({
        channelId: input.channelId,
        author: input.author,
        content: input.content,
        allowedMentions: parseAllowedMentions(undefined),
        ...(input.type === undefined ? {} : { type: input.type }),
        ...(input.attachments === undefined ? {} : { attachments: input.attachments }),
      });
      gateway.dispatchMessage("MESSAGE_CREATE", message);
      return message;
    },
    clickButton(input) {
      const { interaction, payload } = interactions.createButtonClick(input);
      gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
      return interaction;
    },
    slashCommand(input) {
      const { interaction, payload } = interactions.create(input);
      commandPayloads.set(interaction.id, payload);
      gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
      return interaction;
    },
    replayInteraction(interaction) {
      const payload = commandPayloads.get(interaction.id);
      if (payload === undefined) throw new Error(`fake Discord: no slash command ${interaction.id}`);
      gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    },
    messagesIn: (channelId) => world.messagesIn(channelId),
    threadsIn: (parentId) =>
      [...world.channels.values()].filter(
        (channel): channel is APIThreadChannel => channel.type !== ChannelType.GuildText && channel.parent_id === parentId,
      ),
    webhooksIn: (channelId) => [...world.webhooks.values()].filter((webhook) => webhook.channel_id === channelId),
    deleteWebhook(id) {
      const webhook = world.webhooks.get(id);
      if (webhook === undefined) throw new Error(`fake Discord: no webhook ${id}`);
      world.webhooks.delete(id);
      gateway.dispatch(GatewayDispatchEvents.WebhooksUpdate, { guild_id: world.guildId, channel_id: webhook.channel_id }, Intent.GuildWebhooks);
    },
    setCanManageWebhooks(allowed) {
      world.canManageWebhooks = allowed;
    },
    setCanAttachFiles(allowed) {
      world.canAttachFiles = allowed;
    },
    attachmentBytes(attachmentId) {
      return world.attachmentData.get(attachmentId);
    },
    setCanCreateThreads(allowed) {
      world.canCreateThreads = allowed;
    },
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
