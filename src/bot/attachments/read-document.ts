// Reads a text file (txt, md, csv, source code) or a PDF's text layer, up to a limit of characters.

import { extractText, getDocumentProxy } from "unpdf";
import { AttachmentError } from "./errors.js";

const TEXT_EXTENSIONS = new Set([
  "txt", "md", "markdown", "csv", "tsv", "json", "yaml", "yml", "xml", "html", "css", "tex", "log", "ini", "toml",
  "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "c", "h", "cpp", "hpp", "cc", "cs", "go", "rs", "rb",
  "php", "swift", "scala", "r", "m", "jl", "hs", "lua", "pl", "sh", "bash", "sql", "ipynb", "asm", "s", "v", "vhd",
]);

const TEXT_MEDIA_TYPES = /^(text\/|application\/(json|xml|x-yaml|yaml|x-tex|x-sh|javascript|typescript|sql)\b)/;

export type DocumentKind = "pdf" | "text";

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(dot + 1).toLowerCase();
}

/** What a file can be read as, from its first bytes, its media type and its name; undefined if not at all. */
export function documentKind(name: string, mediaType: string | undefined, data: Uint8Array): DocumentKind | undefined {
  if (data.length >= 5 && new TextDecoder().decode(data.subarray(0, 5)) === "%PDF-") return "pdf";
  const textual = TEXT_EXTENSIONS.has(extensionOf(name)) || (mediaType !== undefined && TEXT_MEDIA_TYPES.test(mediaType));
  // A NUL byte in the first kilobytes is a binary file whatever its name says.
  return textual && !data.subarray(0, 8192).includes(0) ? "text" : undefined;
}

export interface ReadDocumentOptions {
  /** Characters kept; the rest is cut with a marker the model can see. */
  readonly maxChars: number;
}

export async function readDocument(kind: DocumentKind, data: Uint8Array, options: ReadDocumentOptions): Promise<string> {
  const text = kind === "pdf" ? await pdfText(data) : new TextDecoder("utf-8").decode(data).replace(/^\uFEFF/, "");
  const clean = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "").trim();
  if (clean === "") {
    throw new AttachmentError("empty", kind === "pdf" ? "The PDF has no text layer (a scan?)." : "The file is empty.");
  }
  if (clean.length <= options.maxChars) return clean;
  return `${clean.slice(0, options.maxChars)}\n[… cut here: the file goes on for ${(clean.length - options.maxChars).toLocaleString("en-US")} more characters]`;
}

async function pdfText(data: Uint8Array): Promise<string> {
  try {
    // pdf.js takes ownership of the buffer it is given: pass a copy, the caller's bytes stay intact.
    const pdf = await getDocumentProxy(new Uint8Array(data));
    try {
      const { text } = await extractText(pdf, { mergePages: true });
      return text;
    } finally {
      // The loading task owns the document and its (in-process) worker: destroying it frees both.
      await pdf.loadingTask.destroy();
    }
  } catch (error) {
    throw new AttachmentError("unreadable", "The PDF could not be read.", { cause: error });
  }
}
