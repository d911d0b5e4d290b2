// Characters: a searchable list, and a character's sheet with its avatar and sprites, its
// feelings, its memory (edit, pin, delete, with where each entry came from) and its
// relationships.

import { call, onThisOrigin } from "../api";
import { errorText, field, h, table, when, add, fill } from "../dom";

export async function charactersPage(main: HTMLElement): Promise<void> {
  const search = h("input", { type: "search", placeholder: "name, role or archetype" }) as HTMLInputElement;
  const list = h("div");
  const all: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await call("GET", `/v1/characters?limit=100&offset=${offset}`);
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0 || all.length >= 1000) break;
  }
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = all.filter((c) => !q || [c.name, c.role, c.archetype].some((s) => s.toLowerCase().includes(q)));
    fill(list, 
      h("p", { class: "muted", role: "status" }, `${shown.length} of ${all.length} characters`),
      table(["Name", "Role", "Archetype", "Mood", "Created"], shown.map((c) => [
        h("a", { href: "#/characters/" + encodeURIComponent(c.id) }, c.name), c.role, c.archetype, c.mood, when(c.created_at),
      ])));
  };
  search.oninput = draw;
  add(main, h("h2", {}, "Characters"), ...field("Search", search), list);
  draw();
}

export async function characterPage(main: HTMLElement, id: string): Promise<void> {
  const c = await call("GET", `/v1/characters/${encodeURIComponent(id)}`);
  add(main, 
    h("p", {}, h("a", { href: "#/characters" }, "← Characters")),
    h("h2", {}, c.name),
    h("p", { class: "muted" }, `${c.role} · ${c.archetype} · ${c.skill_tier} · mood ${c.mood} · `, h("span", { class: "mono" }, c.id)),
    h("div", { class: "row" },
      h("a", { class: "button", href: "#/playground/" + encodeURIComponent(c.id) }, "Talk to " + c.name)),
    faces(c),
    avatarForm(c),
    h("h3", {}, "Feelings"),
    h("p", {}, `Dominant: ${c.feelings.dominant}`),
    table(["Emotion", "Level"], Object.entries(c.feelings.levels).map(([e, v]) => [e, (v as number).toFixed(2)])),
    h("h3", {}, "Personality"),
    h("p", {}, c.personality || h("span", { class: "muted" }, "(none)")),
  );
  const memory = h("section", { "aria-labelledby": "memory-h" });
  const relations = h("section", { "aria-labelledby": "rel-h" });
  add(main, memory, relations);
  await Promise.all([drawMemory(memory, c.id), drawRelationships(relations, c.id)]);
}

function faces(c: any): HTMLElement {
  const sprites: any[] = c.sprites ?? [];
  return h("section", { "aria-label": "Avatar and sprites" },
    h("h3", {}, "Avatar and sprites"),
    h("div", { class: "cards" },
      c.avatar_url ? h("figure", {}, h("img", { src: onThisOrigin(c.avatar_url), alt: `${c.name}'s avatar` }), h("figcaption", {}, "avatar")) : null,
      sprites.map((s) => h("figure", {}, h("img", { src: onThisOrigin(s.image_url), alt: `${c.name}, ${s.emotion}` }), h("figcaption", {}, s.emotion)))),
    !c.avatar_url && !sprites.length ? h("p", { class: "muted" }, "No avatar or sprites yet.") : null);
}

/** avatarForm submits an avatar job for the character and opens the job. */
function avatarForm(c: any): HTMLElement {
  const desc = h("input", { type: "text", size: 60, required: true, maxlength: 2000 }) as HTMLInputElement;
  const status = h("p", { role: "status" });
  return h("form", { class: "panel", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const job = await call("POST", "/v1/images/avatar", { description: desc.value.trim(), character_id: c.id });
      location.hash = "#/jobs/" + encodeURIComponent(job.job_id);
    } catch (err) {
      status.className = "error";
      status.textContent = errorText(err);
    }
  } },
    h("div", { class: "row" }, h("div", {}, ...field("Describe a new avatar", desc)), h("button", { type: "submit" }, "Make an avatar")),
    status);
}

async function drawMemory(section: HTMLElement, id: string): Promise<void> {
  const m = await call("GET", `/v1/characters/${encodeURIComponent(id)}/memory?limit=100`);
  const status = h("p", { role: "status" });
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      fill(section, );
      await drawMemory(section, id);
    } catch (err) {
      status.className = "error";
      status.textContent = errorText(err);
    }
  };
  const path = (e: any) => `/v1/characters/${encodeURIComponent(id)}/memory/${encodeURIComponent(e.id)}`;
  fill(section, 
    h("h3", { id: "memory-h" }, `Memory (${m.total})`),
    m.summary ? h("p", {}, h("strong", {}, "Summary: "), m.summary) : null,
    status,
    table(["Kind", "Text", "Source", "Importance", "Pinned", ""], m.items.map((e: any) => [
      e.kind,
      e.speaker ? `${e.speaker}: ${e.text}` : e.text,
      h("span", { class: "mono" }, [e.source?.type, e.source?.conversation_id ?? e.source?.request_id ?? ""].filter(Boolean).join(" ")),
      e.importance.toFixed(2),
      e.pinned ? "yes" : "no",
      h("div", { class: "row" },
        h("button", { class: "secondary", "aria-label": (e.pinned ? "Unpin: " : "Pin: ") + e.text,
          onclick: () => act(() => call("PATCH", path(e), { pinned: !e.pinned })) }, e.pinned ? "Unpin" : "Pin"),
        h("button", { class: "secondary", "aria-label": "Edit: " + e.text, onclick: () => {
          const text = prompt("Memory text", e.text);
          if (text !== null && text.trim() !== e.text) act(() => call("PATCH", path(e), { text: text.trim() }));
        } }, "Edit"),
        h("button", { class: "danger", "aria-label": "Delete: " + e.text,
          onclick: () => confirm("Delete this memory entry?") && act(() => call("DELETE", path(e))) }, "Delete")),
    ])));
}

async function drawRelationships(section: HTMLElement, id: string): Promise<void> {
  const r = await call("GET", `/v1/characters/${encodeURIComponent(id)}/relationships?limit=100`);
  add(section, 
    h("h3", { id: "rel-h" }, `Relationships (${r.total})`),
    table(["Who", "Stage", "Trust", "Affinity", "Interactions", "Updated"], r.items.map((x: any) => [
      x.target.name ?? x.target.id, x.stage, x.trust.toFixed(2), x.affinity.toFixed(2), x.interactions, when(x.updated_at),
    ])));
}
