// Usage: totals for a range, a chart of one metric over time (hour or day buckets), and
// totals per key for an admin key.

import { call } from "../api";
import { field, h, table, add, fill } from "../dom";

const metrics: [string, string][] = [
  ["requests", "Requests"], ["tokens_in", "Tokens in"], ["tokens_out", "Tokens out"],
  ["tts_characters", "Characters spoken"], ["tts_audio_seconds", "Audio seconds made"],
  ["stt_audio_seconds", "Audio seconds heard"], ["images", "Images"], ["cache_hits", "Cache hits"],
  ["jobs_completed", "Jobs completed"], ["jobs_failed", "Jobs failed"], ["jobs_canceled", "Jobs canceled"],
  ["rate_limited", "Rate-limit refusals"], ["cost_usd", "Estimated cost (USD)"],
];

export async function usagePage(main: HTMLElement): Promise<void> {
  const granularity = h("select", {}, h("option", { value: "hour" }, "Hour"), h("option", { value: "day" }, "Day")) as HTMLSelectElement;
  const metric = h("select", {}, metrics.map(([v, t]) => h("option", { value: v }, t))) as HTMLSelectElement;
  const from = h("input", { type: "date" }) as HTMLInputElement;
  const to = h("input", { type: "date" }) as HTMLInputElement;
  // An admin key may narrow the report to one of its tenant's keys; an operator key may
  // name any tenant.
  const keyPick = h("select", {}, h("option", { value: "" }, "every key")) as HTMLSelectElement;
  const tenant = h("input", { type: "text", size: 24, placeholder: "operator keys only" }) as HTMLInputElement;
  const out = h("div", { "aria-live": "polite" });
  const load = async () => {
    const q = new URLSearchParams({ granularity: granularity.value });
    if (from.value) q.set("from", new Date(from.value).toISOString());
    if (to.value) q.set("to", new Date(to.value + "T23:59:59Z").toISOString());
    if (keyPick.value) q.set("key_id", keyPick.value);
    if (tenant.value.trim()) q.set("tenant_id", tenant.value.trim());
    const r = await call("GET", "/v1/usage?" + q);
    if (keyPick.options.length === 1) {
      for (const k of r.keys) if (k.key_id) keyPick.append(h("option", { value: k.key_id }, k.key_id));
    }
    fill(out, 
      h("h3", {}, "Totals"),
      table(["Metric", "Total"], metrics.map(([k, t]) => [t, fmt(r.totals[k])])),
      h("h3", {}, metrics.find(([k]) => k === metric.value)![1] + " by " + granularity.value),
      chart(r.buckets.map((b: any) => ({ label: b.start, value: Number(b.usage[metric.value] ?? 0) }))),
      h("h3", {}, "Lines"),
      h("p", { class: "muted" }, "Requests by operation, jobs by type and outcome, model use by engine and model."),
      table(["Metric", "Engine", "Model", "Detail", "Quantity", "Cost (USD)"], r.totals.lines.map((l: any) =>
        [l.metric, l.engine, l.model, h("span", { class: "mono" }, l.detail), fmt(l.quantity), fmt(l.cost_usd)])),
      r.keys.length ? h("h3", {}, "By key") : null,
      r.keys.length ? table(["Key", "Requests", "Images", "Cost (USD)"], r.keys.map((k: any) =>
        [h("span", { class: "mono" }, k.key_id || "(none)"), fmt(k.usage.requests), fmt(k.usage.images), fmt(k.usage.cost_usd)])) : null,
    );
  };
  const reload = () => load().catch((err) => fill(out, h("p", { class: "error", role: "alert" }, String(err?.message ?? err))));
  granularity.onchange = metric.onchange = from.onchange = to.onchange = keyPick.onchange = tenant.onchange = reload;
  add(main, h("h2", {}, "Usage"),
    h("div", { class: "row" }, h("div", {}, ...field("Granularity", granularity)), h("div", {}, ...field("Metric", metric)),
      h("div", {}, ...field("From", from)), h("div", {}, ...field("To", to)),
      h("div", {}, ...field("Key", keyPick)), h("div", {}, ...field("Tenant", tenant))),
    out);
  await load();
}

function fmt(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v ?? "");
}

/** chart draws bars as SVG, with a text summary for screen readers. */
function chart(points: { label: string; value: number }[]): HTMLElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const w = 900, hgt = 200, max = Math.max(1, ...points.map((p) => p.value));
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt + 20}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  const total = points.reduce((s, p) => s + p.value, 0);
  svg.setAttribute("aria-label", `${points.length} buckets, ${fmt(total)} in all, at most ${fmt(max)} in one`);
  const bw = w / Math.max(points.length, 1);
  points.forEach((p, i) => {
    const r = document.createElementNS(ns, "rect");
    const bh = (p.value / max) * hgt;
    r.setAttribute("x", String(i * bw + 1));
    r.setAttribute("y", String(hgt - bh));
    r.setAttribute("width", String(Math.max(bw - 2, 1)));
    r.setAttribute("height", String(bh));
    r.setAttribute("class", "bar");
    r.setAttribute("data-value", String(p.value));
    const t = document.createElementNS(ns, "title");
    t.textContent = `${new Date(p.label).toLocaleString()}: ${fmt(p.value)}`;
    r.append(t);
    svg.append(r);
  });
  const cap = document.createElementNS(ns, "text");
  cap.setAttribute("x", "0");
  cap.setAttribute("y", String(hgt + 16));
  cap.textContent = `max ${fmt(max)}`;
  svg.append(cap);
  const wrap = h("figure", { "data-total": total });
  wrap.append(svg);
  return wrap;
}
