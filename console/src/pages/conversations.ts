// Conversations: the list, and a transcript where each turn shows the director's decision
// record: who wanted to speak, with what priority and why, and why the speaker won.

import { call } from "../api";
import { h, table, when, add, fill } from "../dom";

export async function conversationsPage(main: HTMLElement): Promise<void> {
  const list = await call("GET", "/v1/conversations?limit=100");
  add(main, h("h2", {}, "Conversations"),
    h("p", { class: "muted" }, `${list.total} conversations`),
    table(["Scene", "Participants", "Turns", "Status", "Updated"], list.items.map((c: any) => [
      h("a", { href: "#/conversations/" + encodeURIComponent(c.id) }, c.scene || c.topic || c.id),
      c.participants.length, c.turn_count, c.status, when(c.updated_at),
    ])));
}

export async function conversationPage(main: HTMLElement, id: string): Promise<void> {
  const c = await call("GET", `/v1/conversations/${encodeURIComponent(id)}`);
  const turns = await call("GET", `/v1/conversations/${encodeURIComponent(id)}/turns?limit=100`);
  add(main, 
    h("p", {}, h("a", { href: "#/conversations" }, "← Conversations")),
    h("h2", {}, c.scene || c.topic || c.id),
    h("p", { class: "muted" }, `${c.turn_count} turns · ${c.status} · `, h("span", { class: "mono" }, c.id)),
    h("div", { class: "transcript" }, turns.items.map(turnView)));
}

/** turnView is one turn with its decision record; the playground uses it too. */
export function turnView(t: any): HTMLElement {
  return h("article", { class: "panel", "aria-label": `Turn ${t.index}` },
    t.message ? h("p", { class: "line" }, h("strong", {}, (t.message.speaker || "Player") + ": "), t.message.text) : null,
    h("p", { class: "line" }, h("strong", {}, t.speaker_name + ": "), t.text, h("span", { class: "muted" }, ` (${t.emotion})`)),
    h("details", { class: "decisions" },
      h("summary", {}, "Why " + t.speaker_name + " spoke: " + t.chosen_because),
      table(["Character", "Decision", "Priority", "Reason", "Excluded because"], t.decisions.map((d: any) => [
        d.name, d.decision, d.priority.toFixed(2), d.reason, d.excluded_because ?? "",
      ]))));
}
