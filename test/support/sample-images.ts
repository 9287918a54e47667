// Small real images for tests of stored attachments (made with sharp, as the media intake makes them).

import sharp from "sharp";

/** A `width`×`height` PNG of one colour. */
export async function pngImage(width: number, height: number, colour = "#3b82f6"): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer());
}

/** A photographed worksheet, near enough: a `width`×`height` PNG with three exercises on it. */
export async function worksheetImage(width = 320, height = 200): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 320 200">
  <rect width="320" height="200" fill="#fdfcf7"/>
  ${[40, 72, 104, 136, 168].map((y) => `<line x1="16" y1="${y + 8}" x2="304" y2="${y + 8}" stroke="#cbd5e1"/>`).join("")}
  <text x="16" y="30" font-family="DejaVu Sans, sans-serif" font-size="15" font-weight="bold" fill="#1e293b">Quadratic equations</text>
  <text x="16" y="74" font-family="DejaVu Sans, sans-serif" font-size="14" fill="#334155">1.  x² − 9 = 0</text>
  <text x="16" y="106" font-family="DejaVu Sans, sans-serif" font-size="14" fill="#334155">2.  x² + 4x + 4 = 0</text>
  <text x="16" y="138" font-family="DejaVu Sans, sans-serif" font-size="14" fill="#b91c1c">3.  x² − 5x + 6 = 0   ?</text>
</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
