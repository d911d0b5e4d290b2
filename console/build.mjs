// Builds the console into dist/: one minified script (src/main.ts and what it imports),
// the stylesheet and the page. The output depends only on the sources and the pinned
// esbuild, so `make check-console` can rebuild it and compare it with what is committed.
// Usage: node build.mjs [outdir]   (default dist)
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2] ?? "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  outfile: join(out, "app.js"),
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync("index.html", join(out, "index.html"));
copyFileSync("app.css", join(out, "app.css"));
