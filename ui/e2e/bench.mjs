// The desktop app's figures (docs/benchmarks.md, "The desktop app"): launch to an interactive
// home, memory with a 10,000-report store, opening a report and filtering the list. Run through
// `make bench-desktop`, which builds the release app and bundles and starts Xvfb and tauri-driver.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, PASSPHRASE, cli, freshHome } from "./webdriver.mjs";

const REPORTS = Number(process.env.BENCH_REPORTS ?? 10000);
const RUNS = 20;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const fmt = (ms) => `${ms.toFixed(0)} ms`;

function fill(home) {
  const types = ["livestock_raid", "livestock_theft", "killing", "road_ambush", "early_warning", "firearm"];
  const units = JSON.parse(cli(home, "units", "list", "--json")).map((u) => u.id);
  const words = "cattle goats raiders river borehole dawn herders armed road market school night gunshots".split(" ");
  const docs = [];
  const start = Date.now() - 400 * 24 * 3600 * 1000;
  for (let i = 0; i < REPORTS; i++) {
    const at = new Date(start + i * ((400 * 24 * 3600 * 1000) / REPORTS));
    const narrative = Array.from({ length: 30 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(" ");
    docs.push({
      type: types[i % types.length],
      occurred_at: at.toISOString().replace("Z", "+00:00").replace(/\.\d+/, ""),
      unit: units[i % units.length],
      place: `Place ${i % 300}`,
      narrative,
      people: { killed: i % 3, injured: null },
      livestock: [{ species: "cattle", stolen: i % 200, estimate: true }],
    });
  }
  const file = join(home, "fill.json");
  writeFileSync(file, JSON.stringify(docs));
  cli(home, "report", "add", file);
}

/** Proportional set size of the app and its WebKit processes, in MB, and each process's share
 * by name (the app, WebKit's web and network processes). */
function memory(pids) {
  let kb = 0;
  const by = {};
  for (const pid of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (m) {
        kb += Number(m[1]);
        by[name] = (by[name] ?? 0) + Number(m[1]) / 1024;
      }
    } catch {
      // the process ended
    }
  }
  const split = Object.entries(by)
    .map(([name, mb]) => `${name} ${mb.toFixed(0)}`)
    .join(", ");
  return { mb: kb / 1024, split };
}

const home = freshHome();
// A real store: the standard key derivation, as in the field.
execFileSync(process.env.CLI, ["--home", home, "init", "--name", "Bench Chief", "--role", "chief", "--unit", "ke-024"], {
  env: { ...process.env, USALAMA_PASSPHRASE: PASSPHRASE, USALAMA_KDF: "" },
});
const t = Date.now();
fill(home);
console.log(`filled ${REPORTS} reports in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const launch = [];
const unlock = [];
let app;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  app = await App.start(home);
  await app.waitFor("#f-unlock");
  const t1 = performance.now();
  await app.type("#f-unlock", PASSPHRASE);
  const t2 = performance.now();
  await app.click("#unlock-button");
  await app.waitFor("main[data-screen=home] .recent li", { timeout: 60000 });
  const t3 = performance.now();
  launch.push(t1 - t0);
  unlock.push(t3 - t2);
  if (i < 4) await app.quit();
}
await new Promise((r) => setTimeout(r, 1500));
const memHome = memory(app.pids());

// The list of 10,000: each filter, timed from the change to the rows drawn.
await app.click("#nav-list");
await app.waitFor("[data-testid=list-count][data-answered='1']", { timeout: 60000 });
const filter = async (script) =>
  app.execAsync(
    `const done = arguments[arguments.length - 1];
     const count = document.querySelector("[data-testid=list-count]");
     const before = count.dataset.answered;
     const t0 = performance.now();
     ${script}
     (function poll() {
       const c = document.querySelector("[data-testid=list-count]");
       if (c && c.dataset.answered !== before) requestAnimationFrame(() => done(performance.now() - t0));
       else setTimeout(poll, 1);
     })();`,
  );
const setSelect = (id, v) =>
  `const s = document.getElementById("${id}"); s.value = "${v}"; s.dispatchEvent(new Event("change", { bubbles: true }));`;
const filters = {
  "all reports (200 newest drawn)": `document.getElementById("q-apply").click();`,
  "type = livestock raid": setSelect("q-type", "livestock_raid"),
  "type + status": setSelect("q-status", "pending"),
  "text search, two words": `${setSelect("q-type", "")} const q = document.getElementById("q-search"); q.value = "raiders borehole"; q.dispatchEvent(new Event("input", { bubbles: true })); document.getElementById("q-apply").click();`,
};
const filterTimes = {};
for (const [name, script] of Object.entries(filters)) {
  filterTimes[name] = [];
  for (let i = 0; i < RUNS; i++) filterTimes[name].push(await filter(script));
}

// Opening a report's page from the list, timed from the click to its timeline drawn.
const open = [];
for (let i = 0; i < RUNS; i++) {
  await app.click("#nav-list");
  await app.waitFor("tr[data-report] button");
  open.push(
    await app.execAsync(
      `const done = arguments[arguments.length - 1];
       const rows = document.querySelectorAll("tr[data-report] button");
       const t0 = performance.now();
       rows[${i} % rows.length].click();
       (function poll() {
         if (document.querySelector(".timeline li")) requestAnimationFrame(() => done(performance.now() - t0));
         else setTimeout(poll, 1);
       })();`,
    ),
  );
}
const memAfter = memory(app.pids());
// Again once the app has been left alone a little longer than WebKit's memory-pressure poll
// (src-tauri/src/memory.rs): what an idle laptop holds after the browsing.
await new Promise((r) => setTimeout(r, 6000));
const memSettled = memory(app.pids());
await app.quit();

let deb = "";
if (process.env.DEB_DIR) {
  const file = readdirSync(process.env.DEB_DIR).find((f) => f.endsWith(".deb"));
  if (file) deb = `${(statSync(join(process.env.DEB_DIR, file)).size / 1e6).toFixed(1)} MB (${file})`;
}

const lines = [
  `Usalama desktop benchmark: ${REPORTS} reports, release build, Xvfb, ${RUNS} runs each`,
  `| what | median | worst |`,
  `| --- | --- | --- |`,
  `| launch to the passphrase screen, interactive (5 launches) | ${fmt(median(launch))} | ${fmt(max(launch))} |`,
  `| passphrase entered to home, interactive (standard key derivation) | ${fmt(median(unlock))} | ${fmt(max(unlock))} |`,
  ...Object.entries(filterTimes).map(([n, xs]) => `| filter the list: ${n} | ${fmt(median(xs))} | ${fmt(max(xs))} |`),
  `| open a report's page from the list | ${fmt(median(open))} | ${fmt(max(open))} |`,
  `| memory (PSS), app + WebKit processes, home open | ${memHome.mb.toFixed(0)} MB | ${memHome.split} |`,
  `| memory (PSS), after the list and ${RUNS} report pages | ${memAfter.mb.toFixed(0)} MB | ${memAfter.split} |`,
  `| memory (PSS), the same 6 s later, idle | ${memSettled.mb.toFixed(0)} MB | ${memSettled.split} |`,
  deb ? `| .deb size | ${deb} | |` : "",
].filter(Boolean);
console.log(lines.join("\n"));
