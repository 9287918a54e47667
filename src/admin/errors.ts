// The console's errors, with stable codes: a refused link says why without anyone matching on message text.

import { BatonError } from "../workflow/errors.js";

export type ConsoleErrorCode = "link_malformed" | "link_bad_signature" | "link_expired" | "link_reused";

export class ConsoleError extends BatonError<ConsoleErrorCode> {}
