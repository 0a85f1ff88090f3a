// An automated accessibility check (axe-core, run inside the real webview) on every screen a
// chief or an officer uses, in English and in Kiswahili: no serious or critical violation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, test } from "node:test";
import { App, Hub, addReport, cli, eatAgo, freshHome, initHome } from "./webdriver.mjs";

const AXE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

const open = [];
async function start(home) {
  const app = await App.start(home);
  open.push(app);
  await app.size(1024, 600);
  return app;
}
afterEach(async () => {
  while (open.length) await open.pop().quit();
});

/** The serious and critical violations axe finds on what the window shows now. */
async function violations(app) {
  const loaded = await app.exec("return typeof window.axe;");
  if (loaded !== "object") await app.exec(`${AXE}\nwindow.axe = axe; return true;`);
  const found = await app.execAsync(
    `const done = arguments[arguments.length - 1];
     axe.run(document, { resultTypes: ["violations"] }).then(
       (r) => done(r.violations
         .filter((v) => v.impact === "serious" || v.impact === "critical")
         .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                        where: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.failureSummary ?? "")) }))),
       (e) => done([{ id: "axe-failed", help: String(e) }]));`,
  );
  return found;
}

/** Checks the screen and remembers what was wrong, so that one run names every screen's faults. */
class Audit {
  constructor(lang) {
    this.lang = lang;
    this.faults = [];
  }

  async check(app, screen) {
    for (const v of await violations(app)) this.faults.push(`${this.lang} ${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.where?.join("; ")}`);
  }

  done() {
    assert.deepEqual(this.faults, []);
  }
}

for (const lang of ["en", "sw"]) {
  test(`a chief's screens have no serious accessibility violation (${lang})`, async () => {
    const audit = new Audit(lang);
    // First run: the language choice, then the details.
    const first = await start(freshHome());
    await first.waitFor("main[data-phase=setup]");
    await audit.check(first, "first run: language");
    await first.click(`#lang-${lang}`);
    await first.waitFor("#f-name");
    await audit.check(first, "first run: details");
    await open.pop().quit();

    const home = initHome(lang);
    const raid = addReport(home, {
      type: "livestock_raid",
      urgency: "flash",
      occurred_at: eatAgo(90),
      unit: "ke-024-l-ombolion",
      narrative: "Raiders drove cattle towards the river.",
      people: { killed: 2, injured: 1 },
      livestock: [{ species: "cattle", stolen: 150, estimate: true }],
      source: { kind: "witness", name: "Lokitela the herder" },
    });
    addReport(home, { type: "early_warning", occurred_at: eatAgo(30), unit: "ke-024-l-ombolion", narrative: "Young men gathering." });
    const app = await start(home);
    await app.waitFor("main[data-phase=unlock]");
    await audit.check(app, "unlock");
    await app.unlock();
    await app.waitFor("main[data-screen=home]");
    await audit.check(app, "home");

    await app.click("#new-report");
    await app.waitFor("main[data-screen=form]");
    await audit.check(app, "form");
    await app.type("#f-people-injured", "-1");
    await app.click("#save-report");
    await app.waitFor("#form-problems");
    await audit.check(app, "form with errors");
    await app.click("#discard-draft");
    await app.waitFor("[data-testid=confirm-dialog]");
    await audit.check(app, "discard dialog");
    await app.click("[data-testid=confirm-dialog] [data-answer=yes]");
    await app.waitFor("main[data-screen=home]");

    await app.click("#nav-list");
    await app.waitFor(`tr[data-report="${raid}"]`);
    await audit.check(app, "report list");
    await app.click(`tr[data-report="${raid}"] button`);
    await app.waitFor("main[data-screen=report] [data-testid=narrative]");
    await audit.check(app, "report page");

    await app.click("#nav-summaries");
    await app.waitFor("main[data-screen=summaries]");
    await app.click("#summary-show");
    await app.waitFor(".print-view [data-testid=edition-banner]");
    await audit.check(app, "summaries and print view");

    await app.click("#nav-settings");
    await app.waitFor("main[data-screen=settings]");
    await audit.check(app, "settings");
    audit.done();
  });

  test(`an officer's inbox, board and report page have no serious accessibility violation (${lang})`, async () => {
    const audit = new Audit(lang);
    const hub = await Hub.start();
    try {
      const chief = initHome();
      cli(chief, "enroll", "--string", hub.invite("Joseph Korkimul"));
      const raid = addReport(chief, {
        type: "livestock_raid",
        urgency: "flash",
        occurred_at: eatAgo(120),
        unit: "ke-024-l-ombolion",
        place: "Lami Nyeusi",
        narrative: "About 40 raiders drove cattle towards the river.",
      });
      addReport(chief, { type: "killing", urgency: "urgent", occurred_at: eatAgo(60), unit: "ke-024-l-ombolion", narrative: "A herder was shot." });
      cli(chief, "sync");
      const home = freshHome();
      cli(home, "init", "--name", "Inspector Lokwang", "--role", "officer", "--agency", "nps", "--lang", lang);
      cli(home, "enroll", "--string", hub.invite("Inspector Lokwang", "officer", "ke-024", "nps"));
      cli(home, "sync");

      const app = await start(home);
      await app.unlock();
      await app.waitFor("main[data-screen=home] .inbox");
      await app.waitFor(`[data-report="${raid}"]`);
      await audit.check(app, "inbox");
      // The killing raised a warning: its acknowledgement dialog.
      await app.click("[data-testid=warnings] [data-acknowledge]");
      await app.waitFor("[data-testid=acknowledge-dialog]");
      await audit.check(app, "acknowledge warning dialog");
      await app.click("[data-testid=acknowledge-dialog] button[type=button]");
      await app.click("#nav-board");
      await app.waitFor("main[data-screen=board]");
      await audit.check(app, "board");
      await app.click("#nav-home");
      await app.click(`[data-report="${raid}"]`);
      await app.waitFor("main[data-screen=report] #act-acknowledge");
      await audit.check(app, "officer's report page");
      audit.done();
    } finally {
      await hub.stopped();
    }
  });
}
