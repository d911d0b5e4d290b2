// The studio console: a hash-routed page per part of the API (#/usage, #/characters/ID,
// …), drawn from the public API with the signed-in key. No framework: each page is a
// function that fills the main element.

import { call, currentKey, signIn, signOut } from "./api";
import { errorText, field, h, add, fill } from "./dom";
import { usagePage } from "./pages/usage";
import { characterPage, charactersPage } from "./pages/characters";
import { conversationPage, conversationsPage } from "./pages/conversations";
import { playgroundPage } from "./pages/playground";
import { jobPage, jobsPage } from "./pages/jobs";
import { keysPage } from "./pages/keys";

/** A page fills main from the route's parameter (an id, or ""). */
export type Page = (main: HTMLElement, param: string) => Promise<void>;

const pages: Record<string, { title: string; list?: Page; one?: Page }> = {
  usage: { title: "Usage", list: usagePage },
  characters: { title: "Characters", list: charactersPage, one: characterPage },
  conversations: { title: "Conversations", list: conversationsPage, one: conversationPage },
  playground: { title: "Playground", list: playgroundPage },
  jobs: { title: "Jobs", list: jobsPage, one: jobPage },
  keys: { title: "Keys", list: keysPage },
};

/** who is the signed-in key's report: its tenant, mode and id (GET /v1/usage). */
let who: { tenant_id: string; mode: string; key_id: string | null } | null = null;

function route(): { name: string; param: string } {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { name: pages[name] ? name : "usage", param: decodeURIComponent(rest.join("/")) };
}

async function render(): Promise<void> {
  const app = document.getElementById("app")!;
  if (!currentKey()) {
    fill(app, signInView());
    return;
  }
  const { name, param } = route();
  const main = h("main", { id: "main", tabindex: "-1" });
  const nav = h("nav", { class: "side", "aria-label": "Console" },
    h("h1", {}, "Troupe"),
    Object.entries(pages).map(([key, p]) =>
      h("a", { href: "#/" + key, "aria-current": key === name ? "page" : undefined }, p.title)),
    h("div", { class: "who" }, who ? `${who.tenant_id} · ${who.mode}` : ""),
    h("div", { class: "who" }, h("button", { class: "secondary", onclick: () => { signOut(); who = null; render(); } }, "Sign out")));
  fill(app, h("div", { class: "shell" }, nav, main));
  const page = pages[name];
  document.title = `${page.title} · Troupe console`;
  try {
    await (param && page.one ? page.one : page.list!)(main, param);
  } catch (err) {
    add(main, h("p", { class: "error", role: "alert" }, errorText(err)));
  }
}

function signInView(): HTMLElement {
  const key = h("input", { type: "password", autocomplete: "off", required: true, size: 40 }) as HTMLInputElement;
  const status = h("p", { role: "status" });
  const form = h("form", {
    class: "panel signin",
    onsubmit: async (e: Event) => {
      e.preventDefault();
      signIn(key.value.trim());
      try {
        who = await call("GET", "/v1/usage");
        render();
      } catch (err) {
        signOut();
        status.className = "error";
        status.textContent = errorText(err);
      }
    },
  },
    h("h2", {}, "Sign in to the Troupe console"),
    field("API key", key),
    h("p", { class: "muted" }, "The key stays in this tab only; the console calls the public API with it."),
    h("button", { type: "submit" }, "Sign in"),
    status);
  return h("main", { id: "main" }, form);
}

window.addEventListener("hashchange", render);
// The skip link moves focus to the page's content; as a plain #main link it would change
// the route instead.
document.querySelector(".skip")?.addEventListener("click", (e) => {
  e.preventDefault();
  document.getElementById("main")?.focus();
});
(async () => {
  if (currentKey()) {
    try {
      who = await call("GET", "/v1/usage");
    } catch {
      signOut();
    }
  }
  render();
})();
