// Building the page: a tiny element helper, so every page is plain DOM with its text set
// as text (never as HTML), which keeps anything a character says from being markup.

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | EventListener | undefined>;

/** h makes an element with attributes (on* props become listeners) and children. */
export function h(tag: string, props: Props = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** fill replaces el's children, skipping empty ones (the DOM would write "null"). */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(...nodes(children));
}

/** add appends children to el, skipping empty ones. */
export function add(el: Element, ...children: (Child | Child[])[]): void {
  el.append(...nodes(children));
}

function nodes(children: (Child | Child[])[]): (Node | string)[] {
  return children.flat().filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : String(c)));
}

/** table renders rows under a header; cells are children as for h. */
export function table(head: string[], rows: (Child | Child[])[][]): HTMLElement {
  return h("table", {},
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

/** field is a labelled input; the label's for names the input's id. */
export function field(label: string, input: HTMLElement): HTMLElement[] {
  const id = input.id || "f-" + label.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  input.id = id;
  return [h("label", { for: id }, label), input];
}

/** when formats an API timestamp in the reader's locale. */
export function when(iso?: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "";
}

/** errorText is what a failed call says to a person. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
