import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { plotBarcode, plotBettiCurves, plotDiagram, plotLandscape } from "../src/tda/index.ts";
import type { Diagrams } from "../src/tda/types.ts";

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * A strict little XML reader, enough for SVG: it fails on unbalanced or mismatched tags,
 * malformed or repeated attributes, a bare `<` or `&` in text, and anything after the root.
 */
function parseXml(source: string): XmlElement {
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (text: string, where: string) => {
    assert.ok(!/[<]/.test(text), `bare < in ${where}`);
    assert.ok(!/&/.test(text.replace(entity, "")), `bare & in ${where}: ${text}`);
  };
  let rest = source.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack = [root];
  while (rest.length > 0) {
    const open = rest.indexOf("<");
    const text = open < 0 ? rest : rest.slice(0, open);
    checkText(text, `text of <${stack.at(-1)!.name}>`);
    if (stack.length === 1) assert.equal(text.trim(), "", "text outside the root element");
    stack.at(-1)!.text += text;
    if (open < 0) break;
    rest = rest.slice(open);
    const close = /^<\/([A-Za-z][\w:.-]*)\s*>/.exec(rest);
    if (close) {
      const top = stack.pop()!;
      assert.equal(close[1], top.name, `</${close[1]}> closes <${top.name}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const tag = /^<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*"[^"]*")*)\s*(\/?)>/.exec(rest);
    assert.ok(tag, `malformed tag at: ${rest.slice(0, 60)}`);
    const element: XmlElement = { name: tag[1], attributes: {}, children: [], text: "" };
    for (const [, name, value] of tag[2].matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)) {
      assert.ok(!(name in element.attributes), `attribute ${name} repeated on <${tag[1]}>`);
      checkText(value, `attribute ${name}`);
      element.attributes[name] = value;
    }
    if (stack.length === 1) assert.equal(root.children.length, 0, "a second root element");
    stack.at(-1)!.children.push(element);
    if (tag[3] !== "/") stack.push(element);
    rest = rest.slice(tag[0].length);
  }
  assert.equal(stack.length, 1, `<${stack.at(-1)!.name}> is never closed`);
  assert.equal(root.children.length, 1, "one root element");
  return root.children[0];
}

function all(element: XmlElement, predicate: (e: XmlElement) => boolean): XmlElement[] {
  const found = predicate(element) ? [element] : [];
  for (const child of element.children) found.push(...all(child, predicate));
  return found;
}
const byClass = (svg: XmlElement, cls: string) => all(svg, (e) => (e.attributes.class ?? "").split(" ").includes(cls));
const texts = (svg: XmlElement) => all(svg, (e) => e.name === "text").map((e) => e.text);

const diagrams: Diagrams = [
  [[0, 0.5], [0, 1.2], [0, Infinity]],
  [[0.8, 1.9], [1.1, 1.3]],
];

describe("the XML reader used here", () => {
  it("rejects what is not well-formed", () => {
    assert.throws(() => parseXml("<svg><g></svg>"));
    assert.throws(() => parseXml("<svg><text>a < b</text></svg>"));
    assert.throws(() => parseXml("<svg><text>R&D</text></svg>"));
    assert.throws(() => parseXml(`<svg a="1" a="2"/>`));
    assert.throws(() => parseXml("<svg/><svg/>"));
    assert.equal(parseXml(`<?xml version="1.0"?>\n<svg x="1"><t>&lt;&amp;</t></svg>`).children[0].text, "&lt;&amp;");
  });
});

describe("diagram plot", () => {
  const svg = parseXml(plotDiagram(diagrams, { title: "H0 & H1 <test>" }));

  it("is an SVG document with a title", () => {
    assert.equal(svg.name, "svg");
    assert.equal(svg.attributes.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(all(svg, (e) => e.name === "title")[0].text, "H0 &amp; H1 &lt;test&gt;");
  });

  it("draws a point per interval, one colour per dimension", () => {
    const h0 = byClass(svg, "dim-0")[0];
    const h1 = byClass(svg, "dim-1")[0];
    assert.equal(all(h0, (e) => e.name === "circle").length, 3);
    assert.equal(all(h1, (e) => e.name === "circle").length, 2);
    assert.notEqual(h0.attributes.fill, h1.attributes.fill);
  });

  it("draws the diagonal, the infinity line with the essential point on it, and labelled axes", () => {
    assert.equal(byClass(svg, "diagonal").length, 1);
    const infinity = byClass(svg, "infinity")[0];
    const essential = all(byClass(svg, "dim-0")[0], (e) => e.name === "circle").find((c) => c.attributes.cy === infinity.attributes.y1);
    assert.ok(essential, "the essential class sits on the ∞ line");
    assert.ok(texts(svg).includes("∞"));
    assert.ok(texts(svg).includes("birth") && texts(svg).includes("death"));
    const xTicks = all(byClass(svg, "x-ticks")[0], (e) => e.name === "text").map((e) => Number(e.text));
    assert.ok(xTicks.length >= 3 && xTicks.every(Number.isFinite));
    assert.ok(xTicks.includes(0) && xTicks.includes(1));
  });

  it("has no infinity line without essential classes, and copes with an empty diagram", () => {
    assert.equal(byClass(parseXml(plotDiagram([[[0, 1]]])), "infinity").length, 0);
    assert.equal(parseXml(plotDiagram([])).name, "svg");
  });
});

describe("barcode plot", () => {
  it("draws a bar per interval, essential ones with an arrow head", () => {
    const svg = parseXml(plotBarcode(diagrams));
    assert.equal(all(byClass(svg, "dim-0")[0], (e) => e.name === "line").length, 3);
    assert.equal(all(byClass(svg, "dim-1")[0], (e) => e.name === "line").length, 2);
    assert.equal(byClass(svg, "infinite").length, 1);
    assert.ok(texts(svg).includes("H0") && texts(svg).includes("H1"));
  });
});

describe("Betti curve and landscape plots", () => {
  const grid = { min: 0, max: 2, n: 41 };

  it("draws one curve per dimension, starting at the Betti numbers", () => {
    const svg = parseXml(plotBettiCurves(diagrams, grid));
    const curves = byClass(svg, "curve");
    assert.equal(curves.length, 2);
    assert.notEqual(curves[0].attributes.stroke, curves[1].attributes.stroke);
    // Step curve: 2 vertices per grid point but the first.
    assert.equal(curves[0].attributes.points.split(" ").length, 2 * 41 - 1);
    assert.ok(texts(svg).includes("β0") && texts(svg).includes("Betti number"));
  });

  it("draws one curve per landscape layer", () => {
    const svg = parseXml(plotLandscape(diagrams, 1, grid, { layers: 2 }));
    assert.equal(byClass(svg, "curve").length, 2);
    assert.ok(texts(svg).includes("λ1") && texts(svg).includes("λ2"));
  });
});
