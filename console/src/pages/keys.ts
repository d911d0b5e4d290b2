// Keys (an admin key's page): create one (its secret shown once), list, revoke.

import { call } from "../api";
import { errorText, field, h, table, when, add, fill } from "../dom";

export async function keysPage(main: HTMLElement): Promise<void> {
  const status = h("p", { role: "status" });
  const list = h("div");
  const fail = (err: unknown) => { status.className = "error"; status.textContent = errorText(err); };
  const load = async () => {
    const keys = await call("GET", "/v1/keys?limit=100");
    fill(list, table(["Name", "Key", "Mode", "Scopes", "Created", "Last used", "Revoked", ""], keys.items.map((k: any) => [
      k.name, h("span", { class: "mono" }, k.display), k.mode, k.scopes.join(", "), when(k.created_at), when(k.last_used_at), when(k.revoked_at),
      k.revoked_at ? "" : h("button", { class: "danger", "aria-label": "Revoke " + k.name, onclick: async () => {
        if (!confirm(`Revoke ${k.name}? Requests with it are refused at once.`)) return;
        try {
          await call("POST", `/v1/keys/${encodeURIComponent(k.id)}/revoke`);
          await load();
        } catch (err) { fail(err); }
      } }, "Revoke"),
    ])));
  };
  const name = h("input", { type: "text", required: true, maxlength: 100 }) as HTMLInputElement;
  const mode = h("select", {}, h("option", { value: "live" }, "live"), h("option", { value: "test" }, "test")) as HTMLSelectElement;
  const created = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "panel", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const k = await call("POST", "/v1/keys", { name: name.value.trim(), mode: mode.value });
      fill(created, h("p", { class: "ok" }, "Copy the secret now: it is not shown again."),
        h("p", { class: "mono", "data-testid": "new-secret" }, k.secret));
      await load();
    } catch (err) { fail(err); }
  } },
    h("h3", {}, "Create a key"),
    h("div", { class: "row" }, h("div", {}, ...field("Name", name)), h("div", {}, ...field("Mode", mode)), h("button", { type: "submit" }, "Create")),
    created);
  add(main, h("h2", {}, "Keys"), status, form, list);
  try {
    await load();
  } catch (err) { fail(err); }
}
