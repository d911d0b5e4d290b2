// Jobs: a filtered list, and a job with its result (an image, the sprites or an audio
// player), attempts, webhook deliveries, and a cancel button while it runs.

import { call, onThisOrigin } from "../api";
import { errorText, field, h, table, when, add, fill } from "../dom";

const types = ["", "avatar", "background", "variation", "sprites", "tts"];
const statuses = ["", "pending", "processing", "completed", "failed", "canceled"];

export async function jobsPage(main: HTMLElement): Promise<void> {
  const type = h("select", {}, types.map((t) => h("option", { value: t }, t || "any type"))) as HTMLSelectElement;
  const status = h("select", {}, statuses.map((s) => h("option", { value: s }, s || "any status"))) as HTMLSelectElement;
  const out = h("div", { "aria-live": "polite" });
  const load = async () => {
    const q = new URLSearchParams({ limit: "100" });
    if (type.value) q.set("type", type.value);
    if (status.value) q.set("status", status.value);
    const list = await call("GET", "/v1/jobs?" + q);
    fill(out, h("p", { class: "muted" }, `${list.total} jobs`),
      table(["Job", "Type", "Status", "Attempts", "Created"], list.items.map((j: any) => [
        h("a", { href: "#/jobs/" + encodeURIComponent(j.job_id), class: "mono" }, j.job_id), j.type, j.status, j.attempts, when(j.created_at),
      ])));
  };
  type.onchange = status.onchange = () => load();
  add(main, h("h2", {}, "Jobs"), h("div", { class: "row" }, h("div", {}, ...field("Type", type)), h("div", {}, ...field("Status", status))), out);
  await load();
}

export async function jobPage(main: HTMLElement, id: string): Promise<void> {
  const j = await call("GET", `/v1/jobs/${encodeURIComponent(id)}`);
  if (j.status === "pending" || j.status === "processing") {
    // Follow a running job until it ends, while its page is still the one shown.
    const shown = location.hash;
    setTimeout(async () => {
      if (location.hash !== shown || !main.isConnected) return;
      const next = h("main", { id: "main", tabindex: "-1" });
      await jobPage(next, id);
      if (location.hash === shown && main.isConnected) main.replaceWith(next);
    }, 500);
  }
  const note = h("p", { role: "status" });
  const r = j.result?.[j.type];
  add(main, 
    h("p", {}, h("a", { href: "#/jobs" }, "← Jobs")),
    h("h2", {}, `${j.type} job`),
    h("p", { class: "mono" }, j.job_id),
    table(["Status", "Attempts", "Cached", "Created", "Started", "Ended"], [[
      h("span", { "data-testid": "job-status" }, j.status), j.attempts, j.cached ? "yes" : "no", when(j.created_at), when(j.started_at), when(j.completed_at),
    ]]),
    j.status === "pending" || j.status === "processing" ? h("button", { class: "danger", onclick: async () => {
      try {
        await call("POST", `/v1/jobs/${encodeURIComponent(id)}/cancel`);
        fill(main, );
        await jobPage(main, id);
      } catch (err) { note.className = "error"; note.textContent = errorText(err); }
    } }, "Cancel") : null,
    note,
    j.error ? h("p", { class: "error" }, `${j.error.code}: ${j.error.message}`) : null,
    r ? result(j.type, r) : null,
    j.webhook ? h("section", {}, h("h3", {}, "Webhook deliveries"),
      h("p", { class: "mono" }, j.webhook.url + (j.webhook.delivered ? " (delivered)" : "")),
      table(["Attempt", "Status", "Error", "At", "Took"], j.webhook.deliveries.map((d: any) => [
        d.attempt, d.status_code, d.error ?? "", when(d.at), d.duration_ms.toFixed(0) + " ms",
      ]))) : null);
}

function result(type: string, r: any): HTMLElement {
  if (type === "tts") {
    return h("section", {}, h("h3", {}, "Audio"), h("audio", { controls: true, src: onThisOrigin(r.audio_url) }),
      h("p", {}, `${(r.duration_ms / 1000).toFixed(1)} s · ${r.voice_id} · ${r.engine}/${r.model}`));
  }
  if (type === "sprites") {
    return h("section", {}, h("h3", {}, "Sprites"), h("div", { class: "cards" }, r.sprites.map((s: any) =>
      h("figure", {}, h("img", { src: onThisOrigin(s.image_url), alt: s.emotion }), h("figcaption", {}, s.emotion)))));
  }
  return h("section", {}, h("h3", {}, "Image"),
    h("img", { src: onThisOrigin(r.image_url), alt: `the ${type} the job made`, class: "result" }),
    h("p", {}, `${r.width}×${r.height} · seed ${r.seed_used} · ${r.engine}/${r.model} · ${r.style}`),
    r.traits ? h("p", { class: "muted" }, r.traits.join(", ")) : null);
}
