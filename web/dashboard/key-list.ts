import { el, formatNumber } from "../common/dom.ts";
import type { KeyRow } from "./types.ts";

const ROW_HEIGHT = 30;
/** Rows drawn beyond the visible ones, so a scroll shows no blank before the next frame. */
const OVERSCAN = 8;

export type KeySort = "name" | "anomalies" | "rate" | "recent";

/**
 * The key list: every key's status, filtered by a substring and sorted, drawn as a
 * virtual list (only the rows in view exist), so thousands of keys scroll smoothly. It is a
 * listbox: arrow keys, Home and End move the selection, which follows focus.
 */
export class KeyList {
  private readonly rows = new Map<string, KeyRow>();
  private order: string[] = [];
  private filter = "";
  private sort: KeySort = "name";
  private selected: string | undefined;
  private orderDirty = true;
  /** The viewport's height, kept by a ResizeObserver: reading it while drawing would force a layout. */
  private viewHeight = 600;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly count: HTMLElement;
  private readonly onSelect: (key: string) => void;

  constructor(viewport: HTMLElement, count: HTMLElement, onSelect: (key: string) => void) {
    this.viewport = viewport;
    this.count = count;
    this.onSelect = onSelect;
    this.spacer = el("div");
    this.spacer.className = "spacer";
    viewport.append(this.spacer);
    viewport.addEventListener("scroll", () => this.drawRows());
    new ResizeObserver(() => {
      this.viewHeight = viewport.clientHeight || 600;
      this.drawRows();
    }).observe(viewport);
    viewport.addEventListener("click", (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>("[data-index]");
      if (row) this.choose(this.order[Number(row.dataset.index)]);
    });
    viewport.addEventListener("keydown", (event) => this.key(event));
  }

  get size(): number {
    return this.rows.size;
  }

  get selectedKey(): string | undefined {
    return this.selected;
  }

  first(): string | undefined {
    if (this.orderDirty) this.reorder();
    return this.order[0];
  }

  upsert(status: KeyRow): void {
    const old = this.rows.get(status.key);
    this.rows.set(status.key, old ? { ...old, ...status } : status);
    this.orderDirty = true;
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.orderDirty = true;
  }

  setSort(sort: KeySort): void {
    this.sort = sort;
    this.orderDirty = true;
  }

  /** Marks `key` selected without telling the page (which asked for it). */
  mark(key: string): void {
    this.selected = key;
    this.orderDirty = true;
  }

  /** Redraws; call once per animation frame at most. */
  render(): void {
    if (this.orderDirty) this.reorder();
    this.spacer.style.height = `${this.order.length * ROW_HEIGHT}px`;
    this.count.textContent = this.filter ? `${this.order.length} of ${this.rows.size} keys` : `${this.rows.size} keys`;
    this.drawRows();
  }

  private reorder(): void {
    const keys: string[] = [];
    for (const key of this.rows.keys()) if (this.filter === "" || key.toLowerCase().includes(this.filter)) keys.push(key);
    const rows = this.rows;
    const by: Record<KeySort, (a: string, b: string) => number> = {
      name: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
      anomalies: (a, b) => rows.get(b)!.anomalies - rows.get(a)!.anomalies || by.name(a, b),
      rate: (a, b) => (rows.get(b)!.rate ?? 0) - (rows.get(a)!.rate ?? 0) || by.name(a, b),
      recent: (a, b) => (rows.get(b)!.lastEnd ?? -Infinity) - (rows.get(a)!.lastEnd ?? -Infinity) || by.name(a, b),
    };
    keys.sort(by[this.sort]);
    this.order = keys;
    this.orderDirty = false;
  }

  /**
   * Shows the rows in view. Row elements are reused and only their text changes: replacing
   * them under the pointer would lose clicks whose press and release land on two elements.
   */
  private drawRows(): void {
    const top = this.viewport.scrollTop;
    const height = this.viewHeight;
    const from = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const to = Math.min(this.order.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const rows = this.spacer.children;
    while (rows.length < to - from) this.spacer.append(newRow());
    while (rows.length > to - from) this.spacer.lastElementChild!.remove();
    for (let i = from; i < to; i++) this.fill(rows[i - from] as HTMLElement, i);
    const active = this.selected === undefined ? -1 : this.order.indexOf(this.selected);
    if (active >= from && active < to) this.viewport.setAttribute("aria-activedescendant", `key-row-${active}`);
    else this.viewport.removeAttribute("aria-activedescendant");
  }

  private fill(row: HTMLElement, i: number): void {
    const status = this.rows.get(this.order[i])!;
    const [name, flag, stats] = row.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
    row.id = `key-row-${i}`;
    row.dataset.index = String(i);
    row.setAttribute("aria-selected", String(status.key === this.selected));
    row.classList.toggle("flagged", status.anomaly === true);
    row.style.top = `${i * ROW_HEIGHT}px`;
    setText(name, status.key);
    name.title = status.key;
    setText(flag, status.anomalies > 0 ? `⚑ ${status.anomalies}` : "");
    flag.title = `${status.anomalies} windows flagged`;
    flag.classList.toggle("alarm", status.anomaly === true);
    setText(stats, `${status.windows} w · ${status.rate === undefined ? "–" : formatNumber(Math.round(status.rate * 10) / 10)}/s · ${clock(status.lastEnd)}`);
  }

  private choose(key: string | undefined): void {
    if (key === undefined || key === this.selected) return;
    this.selected = key;
    this.onSelect(key);
    this.render();
  }

  private key(event: KeyboardEvent): void {
    if (this.order.length === 0) return;
    const at = this.selected === undefined ? -1 : this.order.indexOf(this.selected);
    let next: number;
    if (event.key === "ArrowDown") next = Math.min(this.order.length - 1, at + 1);
    else if (event.key === "ArrowUp") next = Math.max(0, at - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.order.length - 1;
    else if (event.key === "PageDown") next = Math.min(this.order.length - 1, at + Math.floor(this.viewHeight / ROW_HEIGHT));
    else if (event.key === "PageUp") next = Math.max(0, at - Math.floor(this.viewHeight / ROW_HEIGHT));
    else return;
    event.preventDefault();
    const top = next * ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
    this.choose(this.order[next]);
  }
}

function newRow(): HTMLElement {
  const row = el("div", undefined, { role: "option" });
  row.className = "key-row";
  const name = el("span");
  name.className = "key-name";
  const flag = el("span");
  flag.className = "key-flag";
  const stats = el("span");
  stats.className = "key-stats muted";
  row.append(name, flag, stats);
  return row;
}

/** Text that has not changed is left alone: no layout work for it. */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** An event time as the time of day, UTC (the demo's times are synthetic). */
export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return new Date(ms).toISOString().slice(11, 19);
}
