// The fake's hosted files: a member's upload as Slack's file object, and its url_private_download behind the bot token.

import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface FakeSlackFileInput {
  readonly name: string;
  readonly data: Uint8Array;
  /** e.g. "image/png"; Slack guesses "application/octet-stream" for what it does not know. */
  readonly mimetype?: string;
  /** Slack's short type, e.g. "png", "pdf", "text". */
  readonly filetype?: string;
  readonly user: string;
}

interface HostedFile {
  readonly data: Uint8Array;
  readonly mimetype: string;
}

/** The HTML Slack answers a file URL with when the token is missing, wrong, or lacks files:read (status 200). */
const SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>";

export class FakeSlackFiles {
  readonly #files = new Map<string, HostedFile>();
  /** Every download of a hosted file: its path and what was answered (file, or the sign-in page). */
  readonly downloads: Array<{ readonly path: string; readonly served: "file" | "sign_in" | "not_found" }> = [];

  constructor(
    private readonly context: { readonly url: () => string; readonly teamId: string; readonly botToken: string; readonly scopes: () => readonly string[] },
  ) {}

  /** The file object a file_share message event carries (the fields Slack documents for it). */
  upload(input: FakeSlackFileInput): Record<string, unknown> {
    const id = `F0${randomBytes(5).toString("hex").toUpperCase()}`;
    const mimetype = input.mimetype ?? "application/octet-stream";
    const name = encodeURIComponent(input.name);
    const path = `/files-pri/${this.context.teamId}-${id}/download/${name}`;
    this.#files.set(path, { data: input.data, mimetype });
    const created = Math.floor(Date.now() / 1000);
    return {
      id,
      created,
      timestamp: created,
      name: input.name,
      title: input.name,
      mimetype,
      filetype: input.filetype ?? (input.name.includes(".") ? input.name.split(".").pop()!.toLowerCase() : "binary"),
      pretty_type: (input.filetype ?? "binary").toUpperCase(),
      user: input.user,
      user_team: this.context.teamId,
      editable: false,
      size: input.data.byteLength,
      mode: "hosted",
      is_external: false,
      external_type: "",
      is_public: true,
      public_url_shared: false,
      display_as_bot: false,
      username: "",
      url_private: `${this.context.url()}/files-pri/${this.context.teamId}-${id}/${name}`,
      url_private_download: `${this.context.url()}${path}`,
      permalink: `${this.context.url()}/files/${input.user}/${id}/${name}`,
      permalink_public: `${this.context.url()}/files-pub/${this.context.teamId}-${id}-0000/${name}`,
      has_rich_preview: false,
      file_access: "visible",
    };
  }

  /** True when the request was for a hosted file (answered here). */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (!path.startsWith("/files-pri/")) return false;
    const file = this.#files.get(path);
    const header = request.headers.authorization;
    const authorised = header === `Bearer ${this.context.botToken}` && this.context.scopes().includes("files:read");
    if (request.method !== "GET" || !authorised) {
      // No error status: Slack redirects to its sign-in page, which answers 200 with HTML.
      this.downloads.push({ path, served: "sign_in" });
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(SIGN_IN_PAGE);
      return true;
    }
    if (file === undefined) {
      this.downloads.push({ path, served: "not_found" });
      response.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><title>Not found</title>");
      return true;
    }
    this.downloads.push({ path, served: "file" });
    response.writeHead(200, { "content-type": file.mimetype, "content-length": String(file.data.byteLength) }).end(file.data);
    return true;
  }
}
