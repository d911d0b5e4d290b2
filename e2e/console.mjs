// The console's browser test: what a studio designer does in it, in a real Chromium,
// against a running Troupe (TROUPE_URL, signed in with TROUPE_KEY). Each step waits for
// what the page shows (never for a time) and fails with what it saw instead; a screenshot
// of each page goes to SCREENSHOTS (default e2e/screenshots).
// Usage: TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 node e2e/console.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const base = (process.env.TROUPE_URL ?? "http://localhost:9000") + "/console";
const key = process.env.TROUPE_KEY ?? "demo-key-123";
const shots = process.env.SCREENSHOTS ?? "e2e/screenshots";
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
// bypassCSP lets the test inject axe-core; the console itself runs under its own policy.
const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
page.setDefaultTimeout(20000);
const problems = [];
page.on("pageerror", (e) => problems.push("page error: " + e));
page.on("console", (m) => m.type() === "error" && problems.push("console error: " + m.text()));
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// shot saves the page's screenshot, then checks it with axe-core against WCAG 2.1 A and AA
// (labels, names, contrast, landmarks): a serious or critical finding fails the step.
const shot = async (name) => {
  await page.screenshot({ path: join(shots, name + ".png"), fullPage: true });
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  if (found.length) throw new Error(`accessibility on ${name}:\n  ` + found.join("\n  "));
};
const step = async (name, fn) => {
  try {
    await fn();
    console.log("ok   " + name);
  } catch (err) {
    await page.screenshot({ path: join(shots, "failed-" + name.replace(/\W+/g, "-") + ".png"), fullPage: true }).catch(() => {});
    console.error("FAIL " + name + ": " + (err?.message ?? err));
    await browser.close();
    process.exit(1);
  }
};
const expect = (cond, what) => {
  if (!cond) throw new Error(what);
};

await step("sign in with the key, by keyboard alone", async () => {
  await page.goto(base);
  await page.getByLabel("API key").waitFor();
  await shot("signin");
  // Tab from the top of the page: the skip link, then the key field.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement?.id);
  expect(focused === "f-api-key", `Tab reached #${focused}, not the key field`);
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
  await page.getByRole("navigation", { name: "Console" }).waitFor();
  await page.getByRole("heading", { name: "Usage" }).waitFor();
});

let name = "";
await step("make a character in the playground and talk to it, streamed", async () => {
  await page.getByRole("link", { name: "Playground" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  const made = await page.getByText(/^Made .+\.$/).textContent();
  name = made.replace(/^Made (.+)\.$/, "$1");
  await page.getByLabel("Say", { exact: true }).fill("Hello there! Do you sell swords?");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText(/^Said with /).waitFor();
  const reply = (await page.getByTestId("reply").textContent()).trim();
  expect(reply.split(/\s+/).length >= 3, `the reply is "${reply}"`);
  await shot("playground");
});

await step("run a conversation turn and see the decision record", async () => {
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByText(/^Made .+\.$/).waitFor();
  await page.getByLabel("Participants").selectOption([{ index: 0 }, { index: 1 }]);
  await page.getByLabel("The player says (optional)").fill("Who can mend my sword?");
  await page.getByRole("button", { name: "Run a turn" }).click();
  const why = page.getByText(/^Why .+ spoke: /).first();
  await why.click();
  const rows = await page.locator("details.decisions tbody tr").count();
  expect(rows === 2, `the decision record has ${rows} rows, want one per participant (2)`);
  await shot("turn");
  await page.getByRole("link", { name: "Open the transcript" }).click();
  await page.getByRole("article").first().waitFor();
  await shot("conversation");
});

await step("open the character's memory and pin an entry", async () => {
  await page.getByRole("link", { name: "Characters", exact: true }).click();
  await page.getByLabel("Search").fill(name);
  await page.getByRole("link", { name, exact: true }).first().click();
  await page.getByRole("heading", { name: /^Memory \(\d+\)$/ }).waitFor();
  await page.getByRole("button", { name: /^Pin: .*swords/ }).click();
  await page.getByRole("button", { name: /^Unpin: .*swords/ }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: /^Unpin: .*swords/ }).waitFor();
  await shot("character");
});

await step("submit an avatar and see it complete", async () => {
  await page.getByLabel("Describe a new avatar").fill("a dwarf blacksmith with a braided red beard and an apron");
  await page.getByRole("button", { name: "Make an avatar" }).click();
  await page.getByTestId("job-status").getByText("completed").waitFor();
  const img = page.getByRole("img", { name: "the avatar the job made" });
  await img.waitFor();
  await page.waitForFunction((el) => el.complete, await img.elementHandle());
  const width = await img.evaluate((el) => el.naturalWidth);
  expect(width > 0, "the avatar's image did not load");
  await shot("job");
  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  await page.getByText(/^\d+ jobs$/).waitFor();
  await shot("jobs");
});

await step("the usage chart counts the calls just made", async () => {
  await page.getByRole("link", { name: "Usage" }).click();
  const fig = page.locator("figure[data-total]");
  await fig.waitFor();
  const total = Number(await fig.getAttribute("data-total"));
  // At least: sign-in, defaults, characters, 2 creates, speak, conversation, turn, memory, pin, avatar.
  expect(total >= 10, `the requests chart counts ${total} requests`);
  await shot("usage");
});

await step("revoke a key and see it refused", async () => {
  await page.getByRole("link", { name: "Keys" }).click();
  await page.getByLabel("Name").fill("e2e key");
  await page.getByRole("button", { name: "Create" }).click();
  const secret = (await page.getByTestId("new-secret").textContent()).trim();
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Revoke e2e key" }).first().click();
  await page.getByRole("row", { name: /e2e key/ }).getByRole("button").waitFor({ state: "detached" });
  await shot("keys");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("API key").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText(/^INVALID_API_KEY|^UNAUTHORIZED|revoked/i).waitFor();
  await shot("refused");
});

await browser.close();
// A 401 in the last step is the point of it; anything else the page logged is a problem.
const unexpected = problems.filter((p) => !/status of 401/.test(p));
if (unexpected.length) {
  console.error("FAIL the pages logged errors:\n  " + unexpected.join("\n  "));
  process.exit(1);
}
console.log("all console steps passed");
