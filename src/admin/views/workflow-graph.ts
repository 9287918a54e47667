// The roster's handoff graph drawn as inline SVG on the server (no script): agents by distance from the start agent,
// each declared handoff an arrow, the agents and handoffs of this conversation highlighted.

import { html, type Html } from "./html.js";

export interface GraphSpec {
  readonly start: string;
  readonly agents: ReadonlyArray<{ readonly name: string; readonly displayName: string }>;
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

const WIDTH = 340;
const NODE_W = 128;
const NODE_H = 38;
const ROW = 92;
const TOP = 46;
const GAP = 28;

interface Point {
  readonly x: number;
  readonly y: number;
}

/** Rows by breadth-first distance from the start agent; agents it cannot reach go in a last row. */
function rows(spec: GraphSpec): string[][] {
  const depth = new Map<string, number>([[spec.start, 0]]);
  const queue = [spec.start];
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const edge of spec.edges) {
      if (edge.from === name && !depth.has(edge.to)) {
        depth.set(edge.to, depth.get(name)! + 1);
        queue.push(edge.to);
      }
    }
  }
  const deepest = Math.max(...depth.values());
  const out: string[][] = [];
  for (const agent of spec.agents) {
    const d = depth.get(agent.name) ?? deepest + 1;
    (out[d] ??= []).push(agent.name);
  }
  return out.filter((row) => row !== undefined);
}

/** Where the segment from the box centre `c` towards `towards` leaves the box. */
function boxExit(c: Point, towards: Point): Point {
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  const scale = 1 / Math.max(Math.abs(dx) / (NODE_W / 2 + 4), Math.abs(dy) / (NODE_H / 2 + 4), 1e-9);
  return { x: c.x + dx * scale, y: c.y + dy * scale };
}

const fixed = (n: number): string => n.toFixed(1);

export function workflowGraph(spec: GraphSpec, used: { agents: ReadonlySet<string>; edges: ReadonlySet<string> }): Html {
  const layout = rows(spec);
  // Wide enough for the fullest row: its boxes side by side with GAP between them never overlap.
  const width = Math.max(WIDTH, ...layout.map((row) => row.length * NODE_W + (row.length + 1) * GAP));
  const centre = new Map<string, Point>();
  layout.forEach((row, r) => {
    const first = (width - (row.length * NODE_W + (row.length - 1) * GAP)) / 2 + NODE_W / 2;
    row.forEach((name, i) => centre.set(name, { x: first + i * (NODE_W + GAP), y: TOP + r * ROW }));
  });
  const height = TOP + (layout.length - 1) * ROW + NODE_H / 2 + 16;
  const label = new Map(spec.agents.map((a) => [a.name, a.displayName]));
  const edges = spec.edges.flatMap((edge) => {
    const a = centre.get(edge.from);
    const b = centre.get(edge.to);
    if (a === undefined || b === undefined || edge.from === edge.to) return [];
    // Bow every edge to its right: the two directions of a pair then curve apart instead of overlapping.
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    const bow = 22;
    const control = { x: (a.x + b.x) / 2 - ((b.y - a.y) / length) * bow, y: (a.y + b.y) / 2 + ((b.x - a.x) / length) * bow };
    const p = boxExit(a, control);
    const q = boxExit(b, control);
    const hot = used.edges.has(`${edge.from}>${edge.to}`);
    return [
      html`<path class="edge${hot ? " used" : ""}" d="M${fixed(p.x)},${fixed(p.y)} Q${fixed(control.x)},${fixed(control.y)} ${fixed(q.x)},${fixed(q.y)}" marker-end="url(#${hot ? "arrow-used" : "arrow"})"><title>${label.get(edge.from)} → ${label.get(edge.to)}</title></path>`,
    ];
  });
  const nodes = spec.agents.flatMap((agent) => {
    const c = centre.get(agent.name);
    if (c === undefined) return [];
    const hot = used.agents.has(agent.name);
    return [
      html`<g class="node${hot ? " used" : ""}${agent.name === spec.start ? " start" : ""}"><rect x="${fixed(c.x - NODE_W / 2)}" y="${fixed(c.y - NODE_H / 2)}" width="${NODE_W}" height="${NODE_H}" rx="10"></rect><text x="${fixed(c.x)}" y="${fixed(c.y + 4.5)}" text-anchor="middle">${agent.displayName}</text></g>`,
    ];
  });
  const start = centre.get(spec.start);
  const entry =
    start === undefined
      ? ""
      : html`<circle class="entry" cx="${fixed(start.x)}" cy="8" r="5"></circle><path class="edge" d="M${fixed(start.x)},13 L${fixed(start.x)},${fixed(start.y - NODE_H / 2 - 4)}" marker-end="url(#arrow)"></path>`;
  return html`<svg class="graph" viewBox="0 0 ${width} ${fixed(height)}" role="img" aria-label="Handoff graph of the agents">
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"></path></marker>
<marker id="arrow-used" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead used"></path></marker>
</defs>
${entry}${edges}${nodes}
</svg>`;
}
