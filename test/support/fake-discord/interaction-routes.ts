// REST routes of the fake Discord for interaction callbacks and the interaction webhook (@original edits, follow-ups).

import { InteractionResponseType, MessageFlags, MessageType } from "discord.js";
import { alreadyAcknowledged, DiscordApiFailure, invalidFormBody, unknownInteraction, unknownMessage, unknownWebhook } from "./api-errors.js";
import type { FakeGateway } from "./gateway.js";
import {
  INTERACTION_RESPONSE_WINDOW_MS,
  INTERACTION_TOKEN_LIFETIME_MS,
  interactionMessageFields,
  type InteractionRegistry,
  type StoredInteraction,
} from "./interactions.js";
import { validateComponents } from "./components.js";
import type { Route, RouteContext, RouteResult } from "./rest-router.js";
import { objectBody, parseAllowedMentions, validateMessageBody } from "./validation.js";
import type { FakeWorld, StoredMessage } from "./world.js";

export interface InteractionDeps {
  readonly world: FakeWorld;
  readonly gateway: FakeGateway;
  readonly interactions: InteractionRegistry;
}

export function interactionCallbackRoute(deps: InteractionDeps): Route {
  return {
    method: "POST",
    path: "/interactions/:interactionId/:token/callback",
    botAuth: false,
    handle: (context) => callback(deps, context),
  };
}

function callback({ world, gateway, interactions }: InteractionDeps, { params, query, body }: RouteContext): RouteResult {
  const interaction = interactions.byId.get(params.interactionId!);
  if (interaction === undefined || interaction.token !== params.token) throw unknownInteraction();
  if (interaction.responseType !== undefined) throw alreadyAcknowledged();
  if (Date.now() - interaction.createdAt > INTERACTION_RESPONSE_WINDOW_MS) throw unknownInteraction();
  const input = objectBody(body);
  const data = input.data === undefined ? {} : objectBody(input.data);
  const ephemeral = typeof data.flags === "number" && (data.flags & MessageFlags.Ephemeral) !== 0;
  let message: StoredMessage | undefined;
  const component = interaction.kind === "component";
  switch (input.type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      const content = validateMessageBody(data);
      message = createResponseMessage(world, interaction, content, ephemeral ? MessageFlags.Ephemeral : 0, data.allowed_mentions);
      message.components = validateComponents(data.components);
      break;
    }
    // Only a component's interaction may answer by editing the message the component is on (now, or later).
    case InteractionResponseType.UpdateMessage: {
      if (!component) throw invalidResponseType();
      message = updateComponentMessage(deps(world, gateway, interactions), interaction, data);
      break;
    }
    case InteractionResponseType.DeferredMessageUpdate:
      if (!component) throw invalidResponseType();
      break;
    case InteractionResponseType.DeferredChannelMessageWithSource:
      message = createResponseMessage(world, interaction, "", MessageFlags.Loading | (ephemeral ? MessageFlags.Ephemeral : 0), undefined);
      break;
    case InteractionResponseType.Modal:
      break;
    default:
      // Pong and autocomplete answers are for other kinds of interactions.
      throw invalidResponseType();
  }
  const updating = input.type === InteractionResponseType.UpdateMessage || input.type === InteractionResponseType.DeferredMessageUpdate;
  interaction.responseType = input.type;
  interaction.ephemeral = updating ? interaction.ephemeral : ephemeral;
  // A component's @original stays the message it is on when the answer edits that message.
  if (!updating) interaction.originalMessageId = message?.id;
  if (message !== undefined && !ephemeral && !updating) gateway.dispatchMessage("MESSAGE_CREATE", message);
  if (query.get("with_response") !== "true") return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: 2,
        response_message_id: message?.id,
        response_message_loading: input.type === InteractionResponseType.DeferredChannelMessageWithSource,
        response_message_ephemeral: ephemeral,
      },
      resource: { type: input.type, ...(message === undefined ? {} : { message }) },
    },
  };
}

const invalidResponseType = () =>
  invalidFormBody("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction.");

const deps = (world: FakeWorld, gateway: FakeGateway, interactions: InteractionRegistry): InteractionDeps => ({ world, gateway, interactions });

/** UPDATE_MESSAGE: the message the clicked component is on takes the new content and components. */
function updateComponentMessage(deps: InteractionDeps, interaction: StoredInteraction, data: Record<string, unknown>): StoredMessage {
  const message = interaction.messageId === undefined ? undefined : deps.world.messages.get(interaction.messageId);
  if (message === undefined) throw unknownMessage();
  applyEdit(deps, message, data);
  return message;
}

/** An edit of an interaction's message: content (when given), components (when given), mentions, edited time. */
function applyEdit(deps: InteractionDeps, message: StoredMessage, input: Record<string, unknown>): void {
  const content = validateMessageBody(input, { editing: true });
  const next = input.content === undefined ? message.content : content;
  const components = input.components === undefined ? message.components : validateComponents(input.components);
  // Editing a deferred reply into nothing is still an empty message.
  if (next.trim() === "" && message.embeds.length === 0 && (components ?? []).length === 0) throw new DiscordApiFailure(400, 50006, "Cannot send an empty message");
  message.content = next;
  message.components = components;
  Object.assign(message, deps.world.mentionFields(next, parseAllowedMentions(input.allowed_mentions)));
  message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
  message.edited_timestamp = message.content === "" && (components ?? []).length === 0 ? null : new Date().toISOString();
  if ((message.flags & MessageFlags.Ephemeral) === 0) deps.gateway.dispatchMessage("MESSAGE_UPDATE", message);
}

function createResponseMessage(
  world: FakeWorld,
  interaction: StoredInteraction,
  content: string,
  flags: number,
  allowedMentions: unknown,
): StoredMessage {
  const message = world.createMessage({
    channelId: interaction.channelId,
    author: world.botUser,
    content,
    allowedMentions: parseAllowedMentions(allowedMentions),
    type: MessageType.ChatInputCommand,
    flags,
  });
  Object.assign(message, interactionMessageFields(world, interaction));
  return message;
}

/** The interaction behind an interaction-webhook token, if it is still usable for edits and follow-ups. */
function liveInteraction({ interactions }: InteractionDeps, token: string): StoredInteraction {
  const interaction = interactions.byToken.get(token);
  if (interaction === undefined || Date.now() - interaction.createdAt > INTERACTION_TOKEN_LIFETIME_MS) throw unknownWebhook();
  return interaction;
}

function responseMessage(deps: InteractionDeps, interaction: StoredInteraction, messageId: string): StoredMessage {
  const id = messageId === "@original" ? interaction.originalMessageId : messageId;
  const message = id === undefined ? undefined : deps.world.messages.get(id);
  const own = message?.interaction_metadata?.id === interaction.id || (interaction.kind === "component" && message?.id === interaction.messageId);
  if (message === undefined || !own) throw unknownMessage();
  return message;
}

/** PATCH /webhooks/{application id}/{token}/messages/{id or @original}. */
export function editInteractionMessage(deps: InteractionDeps, token: string, messageId: string, body: unknown): RouteResult {
  const interaction = liveInteraction(deps, token);
  const message = responseMessage(deps, interaction, messageId);
  applyEdit(deps, message, objectBody(body));
  return { status: 200, body: message };
}

export function getInteractionMessage(deps: InteractionDeps, token: string, messageId: string): RouteResult {
  return { status: 200, body: responseMessage(deps, liveInteraction(deps, token), messageId) };
}

/** POST /webhooks/{application id}/{token}: a follow-up message, once the interaction was answered. */
export function followUp(deps: InteractionDeps, token: string, body: unknown): RouteResult {
  const interaction = liveInteraction(deps, token);
  if (interaction.responseType === undefined) throw unknownWebhook();
  const input = objectBody(body);
  const content = validateMessageBody(input);
  const ephemeral = typeof input.flags === "number" && (input.flags & MessageFlags.Ephemeral) !== 0;
  const message = createResponseMessage(deps.world, interaction, content, ephemeral ? MessageFlags.Ephemeral : 0, input.allowed_mentions);
  message.components = validateComponents(input.components);
  if (!ephemeral) deps.gateway.dispatchMessage("MESSAGE_CREATE", message);
  return { status: 200, body: message };
}
