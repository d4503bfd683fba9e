// Derives `world-110m.txt` from Natural Earth 1:110m country shapes as packaged in npm `world-atlas`
// 2.0.2 (`countries-110m.json`, TopoJSON), keyed by ISO 3166-1 alpha-3 through the code table of npm
// `i18n-iso-countries` (`codes.json`). Run by hand, never by the build:
//   node derive-world.mjs path/to/countries-110m.json path/to/codes.json > world-110m.txt
// Each ring is simplified (Douglas-Peucker, 0.2 degree) and its points rounded to a tenth of a degree;
// Antarctica is left out (no State, and a third of the map's height).
import { readFileSync } from "node:fs";

const [topoPath, codesPath] = process.argv.slice(2);
const topo = JSON.parse(readFileSync(topoPath, "utf8"));
const alpha3 = new Map(JSON.parse(readFileSync(codesPath, "utf8")).map(([, a3, num]) => [num, a3.toLowerCase()]));
// Shapes with no numeric code in world-atlas; they have none of their own in ISO 3166-1 either.
const noCode = { Kosovo: "xkx", "N. Cyprus": "-", Somaliland: "-" };

// States too small for 1:110m, drawn as a point (approximate centre, degrees).
const points = { mco: [7.42, 43.74], mlt: [14.44, 35.89], sgp: [103.82, 1.35], smr: [12.45, 43.94] };

const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
});
const arcPoints = (i) => (i >= 0 ? arcs[i] : arcs[~i].slice().reverse());
const ring = (ids) => {
  const pts = [];
  for (const i of ids) { const a = arcPoints(i); pts.push(...(pts.length ? a.slice(1) : a)); }
  return pts;
};

function simplify(pts, tol) {
  if (pts.length <= 4) return pts;
  const keep = new Uint8Array(pts.length); keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    let far = -1, dmax = tol;
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const len = Math.hypot(bx - ax, by - ay);
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i];
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > dmax) { dmax = d; far = i; }
    }
    if (far >= 0) { keep[far] = 1; stack.push([a, far], [far, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}

// A ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps from +180 to -180: drawn
// flat, that jump would cross the whole map. The ring is cut at each jump and the pieces on one side
// are joined, so each side closes along its edge of the map.
function splitAtAntimeridian(pts) {
  const jumps = [];
  for (let i = 0; i < pts.length; i++) if (Math.abs(pts[i][0] - pts[(i + 1) % pts.length][0]) > 1800) jumps.push(i);
  if (jumps.length === 0) return [pts];
  // Start just after the first jump, so that every piece lies on one side.
  const start = (jumps[0] + 1) % pts.length;
  const rotated = pts.slice(start).concat(pts.slice(0, start));
  const sides = { east: [], west: [] };
  let piece = [];
  for (let i = 0; i < rotated.length; i++) {
    piece.push(rotated[i]);
    const next = rotated[(i + 1) % rotated.length];
    if (Math.abs(rotated[i][0] - next[0]) > 1800 || i === rotated.length - 1) {
      sides[piece[0][0] > 0 ? "east" : "west"].push(...piece);
      piece = [];
    }
  }
  return [sides.east, sides.west].filter((s) => s.length);
}

const out = [
  "# Natural Earth 1:110m Admin 0 countries (public domain), via npm world-atlas 2.0.2 (ISC),",
  "# simplified by derive-world.mjs. One shape: `= <iso3> <name>`, then one ring a line,",
  "# points as `lon,lat` in tenths of a degree. Holes are rings too (even-odd fill).",
  "# `. <iso3> lon,lat`: a State too small for this scale, drawn as a marker.",
];
for (const [code, [lon, lat]] of Object.entries(points)) out.push(`. ${code} ${Math.round(lon * 10)},${Math.round(lat * 10)}`);
for (const g of topo.objects.countries.geometries) {
  const name = g.properties.name;
  if (name === "Antarctica") continue;
  const code = g.id ? alpha3.get(g.id) : noCode[name];
  if (!code) throw new Error(`no alpha-3 code for ${g.id} ${name}`);
  const polys = g.type === "Polygon" ? [g.arcs] : g.arcs;
  const rings = [];
  for (const poly of polys) for (const r of poly) {
    // A ring closed on itself after simplification keeps at least a triangle.
    const s = simplify(ring(r), 0.2).map(([x, y]) => [Math.round(x * 10), Math.round(y * 10)]);
    const dedup = s.filter((p, i) => i === 0 || p[0] !== s[i - 1][0] || p[1] !== s[i - 1][1]);
    for (const part of splitAtAntimeridian(dedup.slice(0, -1)))
      if (part.length >= 3) rings.push(part.map((p) => p.join(",")).join(" "));
  }
  out.push(`= ${code} ${name}`, ...rings);
}
console.log(out.join("\n"));
