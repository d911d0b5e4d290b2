// The playground: make a character and talk to it with the reply streamed as it is
// written, hear it (streamed speech, played as it arrives), or run a conversation turn
// between characters and see the director's decision record. It runs on the signed-in
// tenant's own data and engines (the local ones offline).

import { call, stream } from "../api";
import { errorText, field, h, add, fill } from "../dom";
import { turnView } from "./conversations";

export async function playgroundPage(main: HTMLElement, id: string): Promise<void> {
  const [defaults, chars] = await Promise.all([call("GET", "/v1/defaults"), call("GET", "/v1/characters?limit=100")]);
  const pick = h("select", {}, chars.items.map((c: any) =>
    h("option", { value: c.id, selected: c.id === id }, `${c.name} (${c.role})`))) as HTMLSelectElement;
  const role = h("select", {}, defaults.roles.map((r: any) => h("option", { value: r.id }, r.name))) as HTMLSelectElement;
  const archetype = h("select", {}, defaults.archetypes.map((a: any) => h("option", { value: a.id }, a.name))) as HTMLSelectElement;
  const name = h("input", { type: "text", maxlength: 100 }) as HTMLInputElement;
  const others = h("select", { multiple: true, size: 4 }, chars.items.map((c: any) =>
    h("option", { value: c.id }, `${c.name} (${c.role})`))) as HTMLSelectElement;
  const status = h("p", { role: "status" });
  const fail = (err: unknown) => { status.className = "error"; status.textContent = errorText(err); };

  const create = h("form", { class: "panel", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const body: any = { role: role.value, archetype: archetype.value };
      if (name.value.trim()) body.name = name.value.trim();
      const c = await call("POST", "/v1/characters", body);
      pick.prepend(h("option", { value: c.id }, `${c.name} (${c.role})`));
      pick.value = c.id;
      others.prepend(h("option", { value: c.id }, `${c.name} (${c.role})`));
      status.className = "ok";
      status.textContent = `Made ${c.name}.`;
    } catch (err) { fail(err); }
  } },
    h("h3", {}, "Make a character"),
    h("div", { class: "row" }, h("div", {}, ...field("Role", role)), h("div", {}, ...field("Archetype", archetype)),
      h("div", {}, ...field("Name (optional)", name)), h("button", { type: "submit" }, "Create")));

  const line = h("input", { type: "text", size: 60, required: true, maxlength: 2000 }) as HTMLInputElement;
  const speaker = h("input", { type: "text", value: "Player", size: 12 }) as HTMLInputElement;
  const voice = h("input", { type: "checkbox" }) as HTMLInputElement;
  const reply = h("p", { class: "line", "aria-live": "polite", "data-testid": "reply" });
  const talk = h("form", { class: "panel", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (!pick.value) return fail("Make or pick a character first.");
    reply.textContent = "";
    status.textContent = "";
    const player = new PCMPlayer();
    try {
      await stream(`/v1/characters/${encodeURIComponent(pick.value)}/speak/stream`,
        { context_messages: [{ speaker: speaker.value || "Player", text: line.value }], voice: voice.checked },
        (type, data) => {
          if (type === "dialogue.delta") reply.textContent += data.delta;
          else if (type === "dialogue.completed") reply.dataset.emotion = data.response.emotion;
          else if (type === "audio.started") player.start(data.sample_rate);
          else if (type === "audio.delta" && data.audio) player.push(data.audio);
          else if (type === "error") fail(data.error?.message ?? "The line failed.");
        });
      status.className = "ok";
      status.textContent = reply.dataset.emotion ? `Said with ${reply.dataset.emotion}.` : "";
    } catch (err) { fail(err); }
  } },
    h("h3", {}, "Talk"),
    ...field("Character", pick),
    h("div", { class: "row" }, h("div", {}, ...field("You are", speaker)), h("div", {}, ...field("Say", line)),
      h("div", {}, h("label", {}, voice, " Speak it aloud")), h("button", { type: "submit" }, "Send")),
    reply);

  const heard = h("input", { type: "text", size: 60 }) as HTMLInputElement;
  const turnOut = h("div", { "aria-live": "polite" });
  const turn = h("form", { class: "panel", onsubmit: async (e: Event) => {
    e.preventDefault();
    const ids = [...others.selectedOptions].map((o) => o.value);
    if (ids.length < 2) return fail("Pick at least two characters for a conversation.");
    try {
      const conv = await call("POST", "/v1/conversations", { participants: ids, scene: "The console's playground." });
      const body: any = { turns: 1 };
      if (heard.value.trim()) body.message = { text: heard.value.trim() };
      // Streamed: the speaker and the line appear as they are decided and written, then
      // the finished turn with its decision record replaces them.
      const live = h("p", { class: "line", "data-testid": "turn-live" });
      fill(turnOut, h("p", {}, h("a", { href: "#/conversations/" + encodeURIComponent(conv.id) }, "Open the transcript")), live);
      await stream(`/v1/conversations/${encodeURIComponent(conv.id)}/turns/stream`, body, (type, data) => {
        if (type === "turn.started") fill(live, h("strong", {}, data.speaker_name + ": "));
        else if (type === "turn.delta") add(live, data.delta);
        else if (type === "turn.completed") live.replaceWith(turnView(data.turn));
        else if (type === "error") fail(data.error?.message ?? "The turn failed.");
      });
    } catch (err) { fail(err); }
  } },
    h("h3", {}, "Run a conversation turn"),
    ...field("Participants", others),
    ...field("The player says (optional)", heard),
    h("button", { type: "submit" }, "Run a turn"),
    turnOut);

  add(main, h("h2", {}, "Playground"), status, create, talk, turn);
}

/** PCMPlayer plays streamed 16-bit mono PCM chunks back to back as they arrive. */
class PCMPlayer {
  private ctx?: AudioContext;
  private rate = 24000;
  private at = 0;

  start(rate: number): void {
    this.rate = rate;
    this.ctx ??= new AudioContext();
    this.at = this.ctx.currentTime + 0.05;
  }

  push(b64: string): void {
    if (!this.ctx) this.start(this.rate);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    const buf = this.ctx!.createBuffer(1, samples.length, this.rate);
    const ch = buf.getChannelData(0);
    for (let i = 0; i < samples.length; i++) ch[i] = samples[i] / 32768;
    const src = this.ctx!.createBufferSource();
    src.buffer = buf;
    src.connect(this.ctx!.destination);
    this.at = Math.max(this.at, this.ctx!.currentTime);
    src.start(this.at);
    this.at += buf.duration;
  }
}
