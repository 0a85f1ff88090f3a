// End-to-end tests of what protects a laptop left alone or stolen: the lock (by the button,
// after the idle time, before the system sleeps) and the passphrase rules, through the real
// webview (see run.sh).
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { App, cli, freshHome, initHome } from "./webdriver.mjs";

const open = [];
async function start(home) {
  const app = await App.start(home);
  open.push(app);
  await app.size(1024, 600);
  return app;
}
// WebKitWebDriver runs one session at a time: each test ends its app, pass or fail.
afterEach(async () => {
  while (open.length) await open.pop().quit();
});

const NARRATIVE = "Raiders crossed the river at Kases";

/** Whether any text of the page, or any field's value, holds `text`. */
async function shows(app, text) {
  return app.exec(
    `const t = arguments[0];
     return document.body.innerText.includes(t) ||
       [...document.querySelectorAll("input, textarea")].some((e) => e.value.includes(t));`,
    text,
  );
}

async function relock(app) {
  await app.click("#lock-button");
  await app.waitFor("main[data-phase=locked]");
}

test("the app locks by its button, after the idle time and before sleep, and comes back to the same draft", async () => {
  const home = initHome();
  const app = await start(home);
  await app.unlock();
  await app.waitFor("main[data-screen=home]");

  // The Lock button, on the form with an unsaved report: nothing typed is lost, nothing shown.
  await app.click("#new-report");
  await app.waitFor("main[data-screen=form]");
  await app.type("#f-narrative", NARRATIVE);
  await relock(app);
  await app.waitFor("[data-testid=unlock-title]", { text: "Usalama is locked" });
  assert.equal(await shows(app, NARRATIVE), false);
  assert.equal(await app.exec("return document.getElementById('lock-button');"), null);
  await app.screenshot("13-locked");
  // The store itself is closed to the app: a command that needs it is refused.
  const refused = await app.execAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke("drafts").then(() => done("answered"), (e) => done(e.kind));`,
  );
  assert.equal(refused, "not_open");
  await app.unlock();
  await app.waitFor("main[data-screen=form]");
  for (let i = 0; i < 50 && (await app.value("#f-narrative")) !== NARRATIVE; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await app.value("#f-narrative"), NARRATIVE);

  // The system is about to sleep (the event logind sends, injected): the same.
  await app.type("#f-narrative", " at dawn");
  const slept = await app.execAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke("simulate_sleep").then(() => done("ok"), (e) => done(JSON.stringify(e)));`,
  );
  assert.equal(slept, "ok");
  await app.waitFor("main[data-phase=locked]");
  assert.equal(await shows(app, NARRATIVE), false);
  await app.unlock();
  await app.waitFor("main[data-screen=form]");
  for (let i = 0; i < 50 && (await app.value("#f-narrative")) !== `${NARRATIVE} at dawn`; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await app.value("#f-narrative"), `${NARRATIVE} at dawn`);

  // A short idle time (as Settings stores it, in seconds): the app locks by itself, on another
  // screen, and comes back there.
  writeFileSync(join(home, "lock-after"), "5");
  await relock(app);
  await app.unlock();
  await app.waitFor("main[data-screen=form]");
  await app.click("#nav-settings");
  await app.waitFor("main[data-screen=settings]");
  await app.waitFor("main[data-phase=locked]", { timeout: 15000 });
  await app.unlock();
  await app.waitFor("main[data-screen=settings]");
  // Settings offers the idle times, and a choice is kept for the next unlock.
  await app.exec(
    "const s = document.querySelector('#lock-after'); s.value = '5'; s.dispatchEvent(new Event('change', {bubbles: true}));",
  );
  await app.waitFor("[data-testid=lock-after-saved]");

  // What was typed is still a draft, in the encrypted store, for the CLI too.
  await relock(app);
  const mode = (statSync(home).mode & 0o777).toString(8);
  assert.equal(mode, "700");
  assert.deepEqual(JSON.parse(cli(home, "report", "list", "--json")), []);
});

test("the first run refuses the example passphrase and the user's own name, in the user's words", async () => {
  const home = freshHome();
  const app = await start(home);
  await app.waitFor("main[data-phase=setup]");
  await app.click("#lang-en");
  await app.type("#f-name", "Joseph Korkimul");
  for (const [passphrase, words] of [
    ["cows drink at the borehole", "the example Usalama once suggested"],
    ["Joseph Korkimul", "your name or the name of an area"],
  ]) {
    await app.clear("#f-passphrase");
    await app.clear("#f-again");
    await app.type("#f-passphrase", passphrase);
    await app.type("#f-again", passphrase);
    await app.click("#create-store");
    await app.waitFor("#err-passphrase", { text: words });
  }
  await app.screenshot("14-first-run-passphrase-refused", { top: true });
  assert.equal(await app.exec("return document.body.innerText.includes('borehole');"), false);
});

test("Enter in a field never files, Ctrl+S saves from anywhere, and discarding asks first in the app's own dialog", async () => {
  const home = initHome();
  const app = await start(home);
  // The passphrase field has the focus: the chief types at once.
  await app.waitFor("#f-unlock");
  for (let i = 0; i < 30 && (await app.exec("return document.activeElement?.id;")) !== "f-unlock"; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await app.exec("return document.activeElement?.id;"), "f-unlock");
  await app.unlock();
  await app.waitFor("main[data-screen=home]");
  await app.click("#new-report");
  await app.waitFor("main[data-screen=form]");
  await app.choose('input[name=type][value="killing"]');
  await app.type("#f-narrative", NARRATIVE);
  // Enter in one-line fields, as a chief ends a line: nothing is filed.
  await app.type("#f-place", "Kases\uE007");
  await app.type("#f-people-killed", "1\uE007");
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(await app.exec("return document.querySelector('main[data-screen=form]') !== null;"));
  assert.deepEqual(JSON.parse(cli(home, "report", "list", "--json")), []);

  // Discard asks first, in the app's own words; Cancel (which has the focus) keeps everything.
  await app.click("#discard-draft");
  await app.waitFor("[data-testid=confirm-dialog]", { text: "Discard this unfinished report?" });
  assert.equal(await app.exec("return document.activeElement?.dataset.answer ?? null;"), "no");
  await app.screenshot("14-discard-asks");
  await app.click("[data-testid=confirm-dialog] [data-answer=no]");
  assert.equal(await app.exec("return document.querySelector('[data-testid=confirm-dialog]');"), null);
  assert.equal(await app.value("#f-place"), "Kases");

  // Tab from the last field before the narrative: the narrative is scrolled clear of the sticky
  // save bar, not left under it.
  await app.exec("window.scrollTo(0, 0); document.getElementById('f-gps-lon').focus();");
  await app.type("#f-gps-lon", "\uE004");
  await new Promise((r) => setTimeout(r, 300));
  const clear = await app.exec(
    `const box = document.getElementById("f-narrative").getBoundingClientRect();
     const bar = document.querySelector(".report-form .actions").getBoundingClientRect();
     return { focused: document.activeElement?.id, top: box.top, bottom: box.bottom, bar: bar.top };`,
  );
  assert.equal(clear.focused, "f-narrative");
  assert.ok(clear.top >= 0 && clear.bottom <= clear.bar, JSON.stringify(clear));

  // The day is typed day first, whatever the laptop's locale, and read back in words.
  const yesterday = new Date(Date.now() + 3 * 3600000 - 86400000);
  const [y, m, d] = [yesterday.getUTCFullYear(), yesterday.getUTCMonth() + 1, yesterday.getUTCDate()];
  await app.exec("document.getElementById('f-occurred_at').scrollIntoView({ block: 'center' });");
  await app.clear("#f-occurred_at");
  await app.type("#f-occurred_at", `${d}/${m}/${y}`);
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  await app.waitFor("#f-occurred_at-words", { text: `${d} ${months[m - 1]} ${y}` });

  // Ctrl+S from inside the narrative saves the report, and types nothing.
  await app.type("#f-narrative", "\uE009s\uE000");
  await app.waitFor("main[data-screen=report]");
  // The saved report's heading has the focus, so a keyboard starts there.
  await app.waitFor("[data-report-id] h1");
  for (let i = 0; i < 30 && !(await app.exec("return document.activeElement?.matches('[data-report-id] h1') ?? false;")); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await app.exec("return document.activeElement?.matches('[data-report-id] h1') ?? false;"));
  const filed = JSON.parse(cli(home, "report", "list", "--json"));
  assert.equal(filed.length, 1);
  const shown = JSON.parse(cli(home, "report", "show", filed[0].id, "--json"));
  assert.equal(shown.narrative, NARRATIVE);
  assert.equal(shown.place, "Kases");
  assert.deepEqual(shown.people, { killed: 1 });
  const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  assert.ok(shown.occurred_at.startsWith(iso), `${shown.occurred_at} is on ${iso}`);
});
