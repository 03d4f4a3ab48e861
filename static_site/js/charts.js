// Bar charts drawn as SVG, without a library. Each chart is an image to assistive technology
// (role="img", named by its <title> and described by its <desc>) and carries the same figures
// as a table under "Ver los datos del gráfico", so nothing is only in the drawing.
import { el } from "/js/dom.js";

const SVG = "http://www.w3.org/2000/svg";
const INK = "#24292f";
const POSITIVE = "#0b6e4f";
const NEGATIVE = "#b42318";
let charts = 0;

function svg(tag, attributes, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

// `bars`: [{ label, short?, value: number, text: "$1.234" }]; `valueLabel` heads the table's
// second column. Zero is the baseline, so negative values (a balance against) hang below it.
export function barChart({ title, description, bars, valueLabel = "Monto", labelHeading = "Periodo" }) {
  charts += 1;
  const ids = { title: `chart-${charts}-title`, desc: `chart-${charts}-desc` };
  const width = 720;
  const height = 260;
  const top = 24;
  const bottom = 40;
  const side = 12;
  const values = bars.map((b) => b.value);
  const high = Math.max(0, ...values);
  const low = Math.min(0, ...values);
  const span = Math.max(1, high - low);
  const plot = height - top - bottom;
  const zero = top + (plot * high) / span;
  const slot = (width - side * 2) / Math.max(1, bars.length);
  const drawing = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": ids.title,
    "aria-describedby": ids.desc,
    "data-chart-svg": "",
  });
  drawing.append(svg("title", { id: ids.title }, title), svg("desc", { id: ids.desc }, description));
  bars.forEach((bar, index) => {
    const size = (plot * Math.abs(bar.value)) / span;
    const x = side + index * slot + slot * 0.15;
    const y = bar.value >= 0 ? zero - size : zero;
    const rect = svg("rect", {
      x, y, width: slot * 0.7, height: Math.max(size, bar.value ? 1 : 0),
      fill: bar.value >= 0 ? POSITIVE : NEGATIVE, "data-bar": "",
    });
    rect.append(svg("title", {}, `${bar.label}: ${bar.text}`));
    drawing.append(rect);
    drawing.append(svg("text", {
      x: x + slot * 0.35, y: height - bottom + 16, "text-anchor": "middle", "font-size": 12, fill: INK,
    }, bar.short || bar.label));
    if (bars.length <= 12 && bar.value) {
      // The amount over a bar (under one that hangs below zero), while they fit.
      const inside = bar.value < 0 && size > 20; // a bar hanging low: its amount inside it
      drawing.append(svg("text", {
        x: x + slot * 0.35,
        y: bar.value >= 0 ? y - 6 : (inside ? y + size - 6 : y + size + 12),
        "text-anchor": "middle", "font-size": bars.length > 6 ? 10 : 12, fill: inside ? "#ffffff" : INK,
      }, bar.text));
    }
  });
  drawing.append(svg("line", { x1: side, y1: zero, x2: width - side, y2: zero, stroke: "#8c959f" }));

  const rows = bars.map((bar) => el("tr", {},
    el("th", { scope: "row", text: bar.label }),
    el("td", { class: "num", text: bar.text })));
  const data = el("table", { class: "data-table" },
    el("caption", { text: title }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: labelHeading }),
      el("th", { scope: "col", class: "num", text: valueLabel }))),
    el("tbody", {}, ...rows));
  return el("figure", { class: "chart", "data-chart": "" },
    drawing,
    el("figcaption", { class: "meta" }, el("strong", { text: title }), ` · ${description}`),
    el("details", {}, el("summary", { text: "Ver los datos del gráfico" }), data));
}
