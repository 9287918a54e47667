// The content model of a message (after Microsoft.Extensions.AI): text, inline data with a media type, or a link.

/** Text, as the model reads it. */
export class TextContent {
  readonly type = "text";
  constructor(readonly text: string) {}
}

/** Bytes carried in the message itself (an image the student sent), with their media type; `uri` is a data URL. */
export class DataContent {
  readonly type = "data";
  readonly data: Uint8Array;
  readonly mediaType: string;
  /** The file's name as the student sent it, e.g. "worksheet.png". */
  readonly name?: string;
  /** Pixel size, for images: what their token cost is counted from. */
  readonly width?: number;
  readonly height?: number;

  constructor(data: Uint8Array, mediaType: string, init: { name?: string; width?: number; height?: number } = {}) {
    this.data = data;
    this.mediaType = mediaType;
    if (init.name !== undefined) this.name = init.name;
    if (init.width !== undefined) this.width = init.width;
    if (init.height !== undefined) this.height = init.height;
  }

  /** `data:<mediaType>;base64,<data>` */
  get uri(): string {
    return `data:${this.mediaType};base64,${Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength).toString("base64")}`;
  }

  /** Whether this is an image a vision model can look at. */
  get isImage(): boolean {
    return this.mediaType.startsWith("image/");
  }
}

/** Content that lives at a URL (an image hosted elsewhere), with its media type. */
export class UriContent {
  readonly type = "uri";
  constructor(
    readonly uri: string,
    readonly mediaType: string,
  ) {}
}

export type AIContent = TextContent | DataContent | UriContent;

/** The text of a list of contents: its text parts, joined (what `ChatMessage.text` is). */
export function textOf(contents: readonly AIContent[]): string {
  let text = "";
  for (const content of contents) if (content.type === "text") text += content.text;
  return text;
}
