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
  switch (input.type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      const content = validateMessageBody(data);
      message = createResponseMessage(world, interaction, content, ephemeral ? MessageFlags.Ephemeral : 0, data.allowed_mentions);
      break;
    }
    case InteractionResponseType.DeferredChannelMessageWithSource:
      message = createResponseMessage(world, interaction, "", MessageFlags.Loading | (ephemeral ? MessageFlags.Ephemeral : 0), undefined);
      break;
    case InteractionResponseType.Modal:
      break;
    default:
      // Pong, update and autocomplete answers are for other kinds of interactions than a slash command.
      throw invalidFormBody("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Interaction response type is invalid for this interaction.");
  }
  interaction.responseType = input.type;
  interaction.ephemeral = ephemeral;
  interaction.originalMessageId = message?.id;
  if (message !== undefined && !ephemeral) gateway.dispatchMessage("MESSAGE_CREATE", message);
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
  if (message === undefined || message.interaction_metadata?.id !== interaction.id) throw unknownMessage();
  return message;
}

/** PATCH /webhooks/{application id}/{token}/messages/{id or @original}. */
export function editInteractionMessage(deps: InteractionDeps, token: string, messageId: string, body: unknown): RouteResult {
  const interaction = liveInteraction(deps, token);
  const message = responseMessage(deps, interaction, messageId);
  const input = objectBody(body);
  const content = validateMessageBody(input, { editing: true });
  const next = input.content === undefined ? message.content : content;
  // Editing a deferred reply into nothing is still an empty message.
  if (next.trim() === "" && message.embeds.length === 0) throw new DiscordApiFailure(400, 50006, "Cannot send an empty message");
  message.content = next;
  Object.assign(message, deps.world.mentionFields(next, parseAllowedMentions(input.allowed_mentions)));
  message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
  message.edited_timestamp = message.content === "" ? null : new Date().toISOString();
  if ((message.flags & MessageFlags.Ephemeral) === 0) deps.gateway.dispatchMessage("MESSAGE_UPDATE", message);
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
  if (!ephemeral) deps.gateway.dispatchMessage("MESSAGE_CREATE", message);
  return { status: 200, body: message };
}
