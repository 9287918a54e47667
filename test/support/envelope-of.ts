// A test's message as the one envelope accept() takes: the thread known, the moderator check answered as given.

import type { InboundEnvelope } from "../../src/bot/inbound-envelope.js";
import type { InboundMessage } from "../../src/bot/ports.js";
import type { TurnControl } from "../../src/bot/turn-runner.js";

export function envelopeOf(message: InboundMessage, control: TurnControl = {}): InboundEnvelope {
  const { platform, workspace, channel, thread, fromModerator, ...rest } = message;
  return {
    inbound: {
      ...rest,
      platform,
      workspace,
      thread: { platform, workspace, channel, thread },
      // The adapter's check of the sender's rights, which the service asks only in a thread waiting for a person.
      ...(fromModerator === undefined ? {} : { lookups: { isModerator: async () => fromModerator } }),
    },
    ...(control.observer === undefined ? {} : { observer: { turn: control.observer } }),
    ...(control.cancel === undefined ? {} : { cancel: control.cancel }),
  };
}
