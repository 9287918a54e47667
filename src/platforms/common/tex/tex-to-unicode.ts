// Turns inline TeX into readable Unicode text (x², √2, ∫₀¹, a⁄b, α, ≤, →); TeX it cannot read is an InvalidTexError.

import { BLACKBOARD, OPERATOR_NAMES, SILENT_COMMANDS, STYLE_COMMANDS, SUBSCRIPT, SUPERSCRIPT, SYMBOLS } from "./unicode-symbols.js";

export class InvalidTexError extends Error {
  readonly code = "invalid_tex";
  constructor(message: string) {
    super(message);
    this.name = "InvalidTexError";
  }
}

const ACCENTS: Readonly<Record<string, string>> = {
  vec: "\u20D7", hat: "\u0302", widehat: "\u0302", bar: "\u0304", overline: "\u0305", tilde: "\u0303",
  widetilde: "\u0303", dot: "\u0307", ddot: "\u0308", underline: "\u0332",
};

/** The Unicode reading of `tex`; throws InvalidTexError on unbalanced braces, environments or a missing argument. */
export function texToUnicode(tex: string): string {
  const parser = new Parser(tex);
  const out = parser.sequence(false);
  return out.replace(/ {2,}/g, (spaces) => (spaces.length >= 4 ? "    " : " ")).trim();
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  /** Reads atoms up to the end (or, inside a group, its closing brace). */
  sequence(inGroup: boolean): string {
    let out = "";
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === "}") {
        if (!inGroup) throw new InvalidTexError("unbalanced }");
        this.i++;
        return out;
      }
      if (c === "^" || c === "_") {
        this.i++;
        out += script(this.argument(), c === "^" ? SUPERSCRIPT : SUBSCRIPT, c);
        continue;
      }
      out += this.atom();
    }
    if (inGroup) throw new InvalidTexError("unbalanced {");
    return out;
  }

  /** The argument of ^, _ or a command: one group, command or character, spaces before it skipped. */
  private argument(): string {
    while (this.s[this.i] === " ") this.i++;
    if (this.i >= this.s.length || this.s[this.i] === "}") throw new InvalidTexError("missing argument");
    return this.atom();
  }

  private atom(): string {
    const c = this.s[this.i]!;
    if (c === "{") {
      this.i++;
      return this.sequence(true);
    }
    if (c === "\\") return this.command();
    this.i++;
    if (c === "~") return " ";
    if (c === "&") return " ";
    if (c === "'") return "′";
    return c;
  }

  private command(): string {
    this.i++; // the backslash
    const rest = this.s.slice(this.i);
    const name = /^[A-Za-z]+/.exec(rest)?.[0] ?? rest[0];
    if (name === undefined) throw new InvalidTexError("a lone backslash");
    this.i += name.length;
    if (name === "\\") return "; ";
    if (name === "frac" || name === "dfrac" || name === "tfrac") return fraction(this.argument(), this.argument());
    if (name === "sqrt") return this.root();
    if (name === "mathbb") return [...this.argument()].map((ch) => BLACKBOARD[ch] ?? ch).join("");
    if (name === "begin" || name === "end") throw new InvalidTexError("environments are display math");
    const accent = ACCENTS[name];
    if (accent !== undefined) return [...this.argument()].map((ch) => ch + accent).join("");
    if (STYLE_COMMANDS.has(name)) return this.argument();
    if (SILENT_COMMANDS.has(name)) return "";
    if (OPERATOR_NAMES.has(name)) return name;
    const symbol = SYMBOLS[name];
    if (symbol !== undefined) return symbol;
    // Unknown commands are kept as written: a reader still sees what was meant.
    return `\\${name}`;
  }

  private root(): string {
    let index = "";
    if (this.s[this.i] === "[") {
      const close = this.s.indexOf("]", this.i);
      if (close === -1) throw new InvalidTexError("unclosed [ of \\sqrt");
      index = texToUnicode(this.s.slice(this.i + 1, close));
      this.i = close + 1;
    }
    const radicand = this.argument();
    const sign = index === "" ? "√" : (mapAll(index, SUPERSCRIPT) ?? `(${index})`) + "√";
    return sign + (isSimple(radicand) ? radicand : `(${radicand})`);
  }
}

function mapAll(text: string, table: Readonly<Record<string, string>>): string | undefined {
  let out = "";
  for (const ch of text) {
    const mapped = table[ch];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}

function script(text: string, table: Readonly<Record<string, string>>, mark: string): string {
  const mapped = mapAll(text, table);
  if (mapped !== undefined) return mapped;
  return [...text].length === 1 ? `${mark}${text}` : `${mark}(${text})`;
}

/** A single number or variable (x, 2, 10, ab) needs no parentheses; anything with an operator or space does. */
function isSimple(text: string): boolean {
  return /^[\p{L}\p{N}.′]+$/u.test(text);
}

function fraction(numerator: string, denominator: string): string {
  const top = isSimple(numerator) ? numerator : `(${numerator})`;
  const bottom = isSimple(denominator) ? denominator : `(${denominator})`;
  // The fraction slash reads as a built fraction (1⁄2) between two simple terms; a plain slash between groups.
  return isSimple(numerator) && isSimple(denominator) ? `${top}\u2044${bottom}` : `${top}/${bottom}`;
}
