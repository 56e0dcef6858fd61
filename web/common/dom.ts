/** The element with this id, typed; a missing one is a bug in the page's markup. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page markup has no #${id}`);
  return el as T;
}

/** An element with text content (never parsed as HTML) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/**
 * Shows an SVG document made by the library's plot functions. They escape every text they
 * embed, and the numbers are theirs, so the markup carries nothing from outside.
 */
export function showSvg(container: HTMLElement, svg: string): void {
  container.innerHTML = svg.replace(/^<\?xml[^>]*>\s*/, "");
}

/** A number for display: four significant digits, "–" for none, "∞" for infinity. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === Infinity) return "∞";
  if (x === 0) return "0";
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3 ? x.toExponential(3) : Number(x.toPrecision(4)).toString();
}
