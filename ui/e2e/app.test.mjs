// End-to-end tests of the desktop app through its real webview (see run.sh).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { App, Hub, PASSPHRASE, addReport, cli, eatAgo, freshHome, initHome, usbStick } from "./webdriver.mjs";

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

test("the first run sets up the store, shows the recovery code once and reaches home", async () => {
  const home = freshHome();
  const app = await start(home);
  await app.waitFor("main[data-phase=setup]");
  await app.screenshot("01-first-run-language");
  await app.click("#lang-en");
  await app.type("#f-name", "Joseph Korkimul");
  await app.type("#f-unit", "Ombol");
  await app.waitFor('[role=option][data-unit="ke-024-l-ombolion"]');
  await app.type("#f-unit", "\uE007"); // Enter chooses the highlighted unit
  await app.type("#f-passphrase", "short");
  await app.type("#f-again", "short");
  await app.click("#create-store");
  await app.waitFor("#err-passphrase", { text: "at least 10 characters" });
  await app.clear("#f-passphrase");
  await app.clear("#f-again");
  await app.type("#f-passphrase", PASSPHRASE);
  await app.type("#f-again", PASSPHRASE);
  await app.screenshot("02-first-run-details", { top: true });
  await app.click("#create-store");
  const code = await app.waitFor("#recovery-code");
  assert.ok(code);
  assert.match(await app.text("#recovery-code"), /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
  await app.screenshot("03-first-run-recovery-code");
  await app.click("#code-written");
  await app.click("#setup-done");
  // Connecting to the county hub is offered, and can wait.
  await app.waitFor("#f-enrollment");
  await app.screenshot("03b-first-run-county-hub");
  await app.click("#enroll-skip");
  await app.waitFor("main[data-screen=home]");
  await app.waitFor("[data-testid=sync-state]", { text: "not connected to a county hub" });
  assert.equal(await app.text("[data-testid=sync-waiting]"), "Nothing waiting to send");
  // The CLI opens the same store with the same passphrase.
  const me = JSON.parse(cli(home, "report", "list", "--json"));
  assert.deepEqual(me, []);
});

test("the web view runs its scripts without JavaScriptCore's compilers, whose code grew it while browsing", async () => {
  const app = await start(freshHome());
  await app.waitFor("main[data-phase=setup]");
  const web = app.pids().filter((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("WebKitWebProces"));
  assert.ok(web.length > 0, "a WebKit web process");
  for (const pid of web) {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    assert.ok(environ.includes("JSC_useJIT=0"), `web process ${pid} runs without the JIT`);
  }
});

test("a wrong passphrase is refused with a clear message and changes nothing", async () => {
  const home = initHome();
  const app = await start(home);
  await app.waitFor("main[data-phase=unlock]");
  await app.unlock("not the passphrase");
  await app.waitFor("#unlock-error", { text: "Wrong passphrase. Nothing was changed." });
  await app.screenshot("04-unlock-wrong-passphrase");
  await app.unlock();
  await app.waitFor("main[data-screen=home]");
});

test("a report entered through the form is in the list and in `usalama report show`", async () => {
  const home = initHome();
  const app = await start(home);
  await app.unlock();
  await app.waitFor("main[data-screen=home]");
  await app.click("#new-report");
  await app.waitFor("main[data-screen=form]");
  await app.choose('input[name=type][value="livestock_raid"]');
  await app.choose('input[name=urgency][value="flash"]');
  await app.type("#f-place", "Lami Nyeusi, near the borehole");
  await app.type("#f-narrative", "About 40 armed raiders drove cattle towards the river at dawn.");
  await app.type("#f-people-killed", "2");
  await app.choose('[data-unknown="people.injured"]');
  await app.type("#f-livestock-cattle-stolen", "150");
  await app.choose('[data-field="livestock.cattle"] td:last-child input[type=checkbox]');
  await app.type("#f-suspects-count", "40");
  await app.choose('input[name=armed][value="yes"]');
  await app.choose('input[value="nps"]');
  await app.type("#f-ob-number", "OB 12/20/11/2026");
  await app.type("#f-ob-station", "Sigor");
  await app.exec(
    "const s = document.querySelector('#f-source-kind'); s.value = 'witness'; s.dispatchEvent(new Event('change', {bubbles: true}));",
  );
  await app.screenshot("05-report-form", { top: true });
  await app.click("#save-report");
  await app.waitFor("#report-notice", { text: "Report saved on this laptop" });
  const id = await app.exec("return document.querySelector('[data-report-id]').dataset.reportId;");
  await app.waitFor("[data-testid=narrative]", { text: "About 40 armed raiders" });
  await app.waitFor(".timeline [data-kind=report_filed]", { text: "Joseph Korkimul" });
  await app.waitFor("[data-testid=sync-waiting]", { text: "1 report waiting to send" });
  await app.screenshot("06-report-page");

  await app.click("#nav-list");
  await app.waitFor(`tr[data-report="${id}"]`, { text: "Livestock raid" });
  await app.waitFor(`tr[data-report="${id}"] [data-status=pending]`, { text: "Waiting to send" });
  await app.type("#q-search", "raiders");
  await app.click("#q-apply");
  await app.waitFor("[data-testid=list-count]", { text: "1 report found" });
  await app.screenshot("07-report-list");

  const shown = JSON.parse(cli(home, "report", "show", id, "--json"));
  assert.equal(shown.id, id);
  assert.equal(shown.type, "livestock_raid");
  assert.equal(shown.urgency, "flash");
  assert.equal(shown.status, "pending");
  assert.equal(shown.unit, "ke-024-l-ombolion");
  assert.deepEqual(shown.people, { killed: 2, injured: null });
  assert.deepEqual(shown.livestock, [{ species: "cattle", stolen: 150, estimate: true }]);
  assert.deepEqual(shown.suspects, { count: 40, armed: true });
  assert.deepEqual(shown.agencies_notified, ["nps"]);
  assert.deepEqual(shown.ob, { number: "OB 12/20/11/2026", station: "Sigor" });
  assert.equal(shown.source.kind, "witness");

  // Add information: an amendment, shown in the timeline.
  await app.click(`tr[data-report="${id}"] button`);
  await app.click("#add-info");
  await app.waitFor("main[data-screen=amend]");
  await app.clear("#f-people-killed");
  await app.type("#f-people-killed", "3");
  await app.click("#save-report");
  await app.waitFor("#report-notice", { text: "The new information was saved." });
  await app.waitFor(".timeline [data-kind=report_amended]", { text: "Killed 3, Injured Unknown" });
  await app.screenshot("08-report-amended");
  const amended = JSON.parse(cli(home, "report", "show", id, "--json"));
  assert.equal(amended.people.killed, 3);
  assert.equal(amended.timeline.length, 2);
});

test("a validation error is shown next to its field and nothing is saved", async () => {
  const home = initHome();
  const app = await start(home);
  await app.unlock();
  await app.click("#new-report");
  await app.type("#f-narrative", "Shots heard near Kacheliba.");
  await app.type("#f-people-injured", "-1");
  await app.click("#save-report");
  await app.waitFor("#err-people\\.injured", { text: "Must be a whole number from 0 to 100,000" });
  await app.waitFor("#err-type", { text: "This field is required." });
  await app.waitFor("#form-problems", { text: "Nothing was saved." });
  assert.equal(
    await app.exec("return document.querySelector('#f-people-injured').getAttribute('aria-invalid');"),
    "true",
  );
  await app.screenshot("09-form-errors", { top: true });
  assert.deepEqual(JSON.parse(cli(home, "report", "list", "--json")), []);
});

test("a draft survives the app being killed and is offered at the next start", async () => {
  const home = initHome();
  let app = await start(home);
  await app.unlock();
  await app.click("#new-report");
  await app.choose('input[name=type][value="early_warning"]');
  await app.type("#f-narrative", "Herders moving with many young men and no women");
  // Saved within a few seconds of the last change, without leaving the field.
  await app.waitFor("[data-testid=draft-state][data-unsaved=false]", {
    text: "Draft saved on this laptop",
    timeout: 8000,
  });
  await app.kill();

  app = await start(home);
  await app.unlock();
  await app.waitFor(".draft-offer", { text: "You have an unfinished report" });
  await app.screenshot("10-home-draft-offered");
  await app.click("#continue-draft");
  await app.waitFor("main[data-screen=form]");
  for (let i = 0; i < 50 && (await app.value("#f-narrative")) === ""; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await app.value("#f-narrative"), "Herders moving with many young men and no women");
  assert.equal(
    await app.exec("return document.querySelector('input[name=type][value=early_warning]').checked;"),
    true,
  );
});

test("the list says how many reports it found beyond the 200 shown, and shows the rest on request", async () => {
  const home = initHome();
  const docs = Array.from({ length: 230 }, (_, i) => ({
    type: "killing",
    occurred_at: eatAgo(600 + i),
    unit: "ke-024-l-ombolion",
    narrative: `Report number ${i}`,
  }));
  const file = join(home, "many.json");
  writeFileSync(file, JSON.stringify(docs));
  cli(home, "report", "add", file);
  const app = await start(home);
  await app.unlock();
  await app.click("#nav-list");
  await app.waitFor("[data-testid=list-count]", { text: "230 reports found; showing the 200 newest." });
  assert.equal(await app.exec("return document.querySelectorAll('tr[data-report]').length;"), 200);
  await app.waitFor("#list-more", { text: "Show 30 more" });
  await app.click("#list-more");
  await app.waitFor("[data-testid=list-count][data-count='230']");
  assert.equal(await app.exec("return document.querySelector('#list-more');"), null);
});

test("an emoji typed into a narrative shows as itself, in colour, not as a box", async () => {
  const home = initHome();
  const id = addReport(home, {
    type: "livestock_theft",
    occurred_at: eatAgo(30),
    unit: "ke-024-l-ombolion",
    narrative: "Two cows 🐄🐄 taken from the boma",
  });
  const app = await start(home);
  await app.unlock();
  await app.click("#nav-list");
  await app.click(`tr[data-report="${id}"] button`);
  await app.waitFor("[data-testid=narrative]", { text: "🐄" });
  // Drawn in the narrative's own font: a colour emoji font gives coloured pixels, a missing
  // glyph only the text's colour.
  const coloured = await app.exec(
    `const font = getComputedStyle(document.querySelector("[data-testid=narrative]")).fontFamily;
     const canvas = document.createElement("canvas");
     canvas.width = canvas.height = 64;
     const g = canvas.getContext("2d");
     g.font = "48px " + font;
     g.fillStyle = "#000";
     g.fillText("🐄", 4, 52);
     const px = g.getImageData(0, 0, 64, 64).data;
     let n = 0;
     for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (Math.abs(px[i] - px[i + 1]) > 40 || Math.abs(px[i + 1] - px[i + 2]) > 40)) n++;
     return n;`,
  );
  assert.ok(coloured > 50, `${coloured} coloured pixels`);
});

test("the language switch changes the labels and is remembered", async () => {
  const home = initHome();
  let app = await start(home);
  await app.unlock();
  await app.waitFor("#nav-home", { text: "Home" });
  await app.click("#nav-settings");
  await app.click("#lang-sw");
  await app.waitFor("#nav-home", { text: "Mwanzo" });
  await app.waitFor("#nav-form", { text: "Ripoti mpya" });
  await app.waitFor("[data-testid=sync-state]", { text: "Kompyuta hii haijaunganishwa" });
  await app.screenshot("11-settings-kiswahili");
  await app.click("#nav-home");
  await app.waitFor("#new-report", { text: "Ripoti mpya" });
  await app.screenshot("12-home-kiswahili");
  await app.quit();

  app = await start(home);
  await app.waitFor("main[data-phase=unlock] h1", { text: "Fungua Usalama" });
  await app.unlock();
  await app.click("#nav-form");
  await app.waitFor("main[data-screen=form] h2", { text: "Nini kilitokea" });
});

test("with a hub on 127.0.0.1, a saved report goes from waiting to send to received by the county without a click", async () => {
  const hub = await Hub.start();
  try {
    const home = initHome();
    const app = await start(home);
    await app.unlock();
    await app.waitFor("main[data-screen=home]");
    await app.click("#nav-settings");
    await app.type("#f-enrollment", "not an enrollment");
    await app.click("#enroll-connect");
    await app.waitFor("#enroll-error", { text: "This is not an enrollment text" });
    await app.clear("#f-enrollment");
    await app.type("#f-enrollment", hub.invite("Joseph Korkimul"));
    await app.click("#enroll-connect");
    await app.waitFor("[data-testid=hub]", { text: `Connected to ${hub.url}` });
    await app.waitFor("[data-testid=sync-state]", { text: "Connected", timeout: 20000 });
    await app.screenshot("13-settings-county-hub", { top: true });

    await app.click("#nav-form");
    await app.choose('input[name=type][value="armed_clash"]');
    await app.type("#f-narrative", "Gunshots heard at night near the market.");
    await app.click("#save-report");
    await app.waitFor("#report-notice", { text: "Report saved on this laptop" });
    const id = await app.exec("return document.querySelector('[data-report-id]').dataset.reportId;");
    // No click: background sync sends it, and the page updates itself.
    await app.waitFor("[data-status=received]", { text: "Received by the county", timeout: 30000 });
    await app.waitFor(".timeline [data-kind=received_by_county]");
    await app.waitFor("[data-testid=sync-waiting]", { text: "Nothing waiting to send" });
    await app.screenshot("14-report-received-by-the-county");
    assert.equal(JSON.parse(cli(home, "report", "show", id, "--json")).status, "received");

    // The agencies respond; each step comes back to the chief's report page.
    const police = hub.officer("Inspector Lokwang", "nps");
    const ngao = hub.officer("ACC Kapenguria", "ngao");
    for (const [officer, args] of [
      [police, ["incident", "ack", id]],
      [ngao, ["incident", "assign", id, "--lead", "kdf", "--support", "nps"]],
      [police, ["incident", "update", id, "--note", "Officers on the way to the market", "--status", "responding"]],
    ]) {
      cli(officer, "sync");
      cli(officer, ...args);
      cli(officer, "sync");
    }
    await app.click("#sync-now");
    await app.waitFor(".timeline [data-kind=acknowledged]", { text: "Acknowledged by Police (NPS)", timeout: 30000 });
    await app.waitFor(".timeline [data-kind=assigned]", { text: "Lead: Kenya Defence Forces (KDF), supported by Police (NPS)" });
    await app.waitFor(".timeline [data-kind=updated]", { text: "Officers on the way to the market" });
    await app.waitFor("[data-status=responding]", { text: "Responding" });
    await app.exec("document.querySelector('.timeline').scrollIntoView({ block: 'end' });");
    await app.screenshot("14b-report-response-loops-back");

    // The hub goes away: "Sync now" tries, and the bar says what happened and what to do.
    hub.stop();
    await app.click("#sync-now");
    await app.waitFor("[data-testid=sync-failure]", { text: "could not be reached", timeout: 30000 });
    await app.waitFor("[data-testid=sync-state]", { text: "No network" });
    await app.screenshot("15-sync-bar-hub-unreachable", { top: true });
  } finally {
    hub.stop();
  }
});

/** Now, less `minutes`, as RFC 3339 in East Africa Time. */
/** The cells of the print view's row whose first cell is `label`. */
async function printedRow(app, label) {
  return app.exec(
    `const row = [...document.querySelectorAll(".print-view table.data tr")]
       .find((r) => r.cells[0] && r.cells[0].textContent.trim() === arguments[0]);
     return row ? [...row.cells].map((c) => c.textContent.trim()) : null;`,
    label,
  );
}

test("a summary shows its totals in the print view and is saved as PDF on a USB stick; a report prints as a slip", async () => {
  const home = initHome();
  const day = eatAgo(90);
  const raid = addReport(home, {
    type: "livestock_raid",
    occurred_at: day,
    unit: "ke-024-l-ombolion",
    narrative: "Raiders drove cattle towards the river.",
    people: { killed: 2, injured: 1 },
    livestock: [{ species: "cattle", stolen: 150, estimate: true }],
    source: { kind: "witness", name: "Lokitela the herder" },
  });
  addReport(home, {
    type: "killing",
    occurred_at: eatAgo(60),
    unit: "ke-024-l-ombolion",
    narrative: "A herder was shot at the borehole.",
    people: { killed: 1 },
  });
  addReport(home, {
    type: "early_warning",
    occurred_at: eatAgo(30),
    unit: "ke-024-l-ombolion",
    narrative: "Young men gathering with guns near the hills.",
  });
  const stick = usbStick("BARAZA");

  const app = await start(home);
  await app.unlock();
  await app.waitFor("main[data-screen=home]");
  await app.click("#nav-summaries");
  await app.waitFor("main[data-screen=summaries]");
  // The user's own area and the public edition unless asked otherwise.
  assert.equal(await app.value("#f-summary-unit"), "Ombolion (Location)");
  // A period sure to hold the three reports, whatever today is.
  const from = new Date(Date.now() + 3 * 3600000 - 2 * 86400000).toISOString().slice(0, 10);
  await app.exec(
    `const set = (id, v) => { const e = document.getElementById(id); e.value = v;
       e.dispatchEvent(new Event("input", { bubbles: true })); e.dispatchEvent(new Event("change", { bubbles: true })); };
     set("f-summary-from", arguments[0]); set("f-summary-to", arguments[1]);`,
    from,
    new Date(Date.now() + 3 * 3600000).toISOString().slice(0, 10),
  );
  await app.click("#summary-show");
  await app.waitFor(".print-view [data-testid=edition-banner]", { text: "PUBLIC EDITION" });
  await app.waitFor(".print-view", { text: "Security summary: Ombolion" });
  assert.equal((await printedRow(app, "Incidents, all types"))[1], "3");
  assert.equal((await printedRow(app, "Killed"))[1], "3");
  // Laid out as A4 sheets, each with the edition at its top (what prints, page by page).
  const sheets = await app.exec(
    "return [...document.querySelectorAll('.print-view .sheet')].map((s) => s.querySelector('.banner').textContent);",
  );
  assert.ok(sheets.length >= 1);
  for (const banner of sheets) assert.match(banner, /^PUBLIC EDITION/);
  // The public edition holds no source.
  assert.ok(!(await app.text(".print-view")).includes("Lokitela"));
  await app.screenshot("16-summary-options", { top: true });
  await app.exec("document.querySelector('.print-view').scrollIntoView({ block: 'start' });");
  await app.screenshot("17-summary-print-view");

  // Print opens the system's print dialog (which would block the driver: counted instead).
  await app.exec("window.__printed = 0; window.print = () => { window.__printed += 1; };");
  await app.click("#summary-print");
  assert.equal(await app.exec("return window.__printed;"), 1);

  await app.choose(`input[name="summary-place-place"][data-name="BARAZA"]`);
  await app.choose("#format-pdf");
  await app.click("#summary-save");
  await app.waitFor("#summary-saved", { text: `Saved on USB stick “BARAZA”` });
  const pdfs = readdirSync(stick).filter((f) => f.endsWith(".pdf"));
  assert.equal(pdfs.length, 1);
  assert.match(pdfs[0], /^usalama-summary-ke-024-l-ombolion-.*-public\.pdf$/);
  const pdf = join(stick, pdfs[0]);
  assert.equal(readFileSync(pdf).subarray(0, 4).toString(), "%PDF");
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  assert.match(text, /PUBLIC EDITION/);
  assert.match(text, /Incidents, all types\s+3/);
  await app.exec("document.getElementById('summary-out').scrollIntoView({ block: 'start' });");
  await app.screenshot("18-summary-saved-on-a-usb-stick");

  // The restricted edition, for the committee, holds the author's own source; in Kiswahili.
  await app.choose('input[name=edition][value="restricted"]');
  await app.choose('input[name=summary-lang][value="sw"]');
  await app.click("#summary-show");
  await app.waitFor(".print-view [data-testid=edition-banner]", { text: "TOLEO LA SIRI" });
  assert.equal((await printedRow(app, "Matukio, aina zote"))[1], "3");
  assert.ok((await app.text(".print-view")).includes("Lokitela"));
  await app.exec("document.querySelector('.print-view').scrollIntoView({ block: 'start' });");
  await app.screenshot("23-summary-restricted-kiswahili");

  // A report's slip: its fields, its timeline and its ledger hash, on one page.
  await app.click("#nav-list");
  await app.click(`tr[data-report="${raid}"] button`);
  await app.click("#print-slip");
  await app.waitFor("main[data-screen=slip] .print-view", { text: raid });
  const hash = JSON.parse(cli(home, "report", "show", raid, "--json")).timeline[0];
  await app.waitFor(".print-view pre.code");
  assert.match(await app.text(".print-view pre.code"), /^[0-9a-f]{64}$/);
  if (hash.entry?.hash) assert.equal(await app.text(".print-view pre.code"), hash.entry.hash);
  await app.screenshot("19-report-slip", { top: true });
  await app.exec("document.querySelector('.print-view').scrollIntoView({ block: 'start' });");
  await app.screenshot("20-report-slip-print-view");
});

test("a bundle written from Settings reaches the county hub by USB stick, and its answer marks the report received", async () => {
  const hub = await Hub.start();
  try {
    const home = initHome();
    cli(home, "enroll", "--string", hub.invite("Joseph Korkimul"));
    const id = addReport(home, {
      type: "armed_clash",
      occurred_at: eatAgo(20),
      unit: "ke-024-l-ombolion",
      narrative: "Gunshots heard at night near the market.",
    });
    // No network from here on: only the stick travels.
    await hub.stopped();
    const stickName = "CHIEF";
    const stick = usbStick(stickName);

    const app = await start(home);
    await app.unlock();
    await app.waitFor("[data-testid=sync-waiting]", { text: "1 report waiting to send" });
    await app.click("#nav-settings");
    await app.waitFor("#usb-title");
    await app.choose(`input[name="usb-place-place"][data-name="${stickName}"]`);
    await app.click("#usb-send");
    await app.waitFor("#usb-sent", { text: "Reports waiting to send in it: 1" });
    await app.waitFor("#usb-sent", { text: "take the stick to the county office" });
    await app.exec("document.getElementById('usb').scrollIntoView({ block: 'start' });");
    await app.screenshot("21-settings-usb-sent");
    const bundles = readdirSync(stick).filter((f) => f.endsWith(".usalama"));
    assert.equal(bundles.length, 1);
    const [, short] = bundles[0].match(/^usalama-([0-9a-f]{8})-\d{4}-\d{2}-\d{2}\.usalama$/);

    // At the county office.
    hub.run("import", join(stick, bundles[0]));
    hub.run("export", "--device", short, "--out", join(stick, "from-the-county.usalama"));

    // Back at the chief's office.
    await app.click("#usb-look");
    await app.choose('input[name="usb-file"][data-name="from-the-county.usalama"]');
    await app.click("#usb-receive");
    await app.waitFor("#usb-received", { text: "This laptop's entries now received by the county: 1" });
    await app.waitFor("[data-testid=sync-waiting]", { text: "Nothing waiting to send" });
    await app.exec("document.getElementById('usb').scrollIntoView({ block: 'start' });");
    await app.screenshot("22-settings-usb-received");

    // The same file again changes nothing, and a file this laptop wrote is refused in words.
    await app.choose(`input[name="usb-file"][data-name="${bundles[0]}"]`);
    await app.click("#usb-receive");
    await app.waitFor("#usb-receive-error", { text: "this laptop wrote it" });

    await app.click("#nav-list");
    await app.waitFor(`tr[data-report="${id}"] [data-status=received]`, { text: "Received by the county" });
    assert.equal(JSON.parse(cli(home, "report", "show", id, "--json")).status, "received");
  } finally {
    hub.stop();
  }
});

test("an officer's inbox shows a chief's report as not acknowledged; the officer acknowledges it and the chief sees it; a cleared officer reads its sealed source", async () => {
  const hub = await Hub.start();
  try {
    const chief = initHome();
    cli(chief, "enroll", "--string", hub.invite("Joseph Korkimul"));
    const report = (type, urgency, minutes, place, narrative, more = {}) =>
      addReport(chief, { type, urgency, occurred_at: eatAgo(minutes), unit: "ke-024-l-ombolion", place, narrative, ...more });
    // Its source is sealed for cleared readers: filed before the county has a key, it waits on the chief's laptop.
    const raid = report("livestock_raid", "flash", 180, "Lami Nyeusi", "About 40 raiders drove cattle towards the river.", {
      source: { kind: "informant", name: "Lokorio Ekai" },
    });
    const sameRaid = report("livestock_raid", "urgent", 170, "Lami Nyeusi borehole", "Cattle driven past the borehole.");
    const killing = report("killing", "urgent", 60, "Kacheliba market", "A herder was shot at the market.");
    const warning = report("early_warning", "routine", 30, "Kases", "Young men gathering near the hills.");
    cli(chief, "sync");
    // The county commissioner's office names a lead for the raid and links the second report to it.
    const ngao = hub.officer("ACC Kapenguria", "ngao");
    cli(ngao, "sync");
    cli(ngao, "incident", "assign", raid, "--lead", "kdf", "--support", "nps");
    cli(ngao, "incident", "link", raid, sameRaid);
    cli(ngao, "sync");

    // A police officer's laptop, set up and enrolled by the county as a cleared reader, synced
    // before the app starts: its first sync issues the county key, the chief's next sync seals
    // the waiting source, and the officer's next one brings it.
    const home = freshHome();
    cli(home, "init", "--name", "Inspector Lokwang", "--role", "officer", "--agency", "nps");
    cli(home, "enroll", "--string", hub.invite("Inspector Lokwang", "officer", "ke-024", "nps", { cleared: true }));
    hub.approvePending();
    cli(home, "sync");
    assert.equal(JSON.parse(cli(chief, "county-key", "list", "--json")).waiting_to_seal, 1);
    cli(chief, "sync");
    assert.equal(JSON.parse(cli(chief, "county-key", "list", "--json")).waiting_to_seal, 0);
    cli(home, "sync");
    cli(ngao, "sync");
    assert.equal(JSON.parse(cli(ngao, "report", "show", raid, "--json")).source, undefined);

    const app = await start(home);
    await app.unlock();
    await app.waitFor("main[data-screen=home] h1", { text: "Inbox" });
    await app.waitFor(`[data-report="${warning}"]`);
    // Flash first, then urgent (newest first), then routine.
    const order = await app.exec("return [...document.querySelectorAll('.inbox [data-report]')].map((e) => e.dataset.report);");
    assert.deepEqual(order, [raid, killing, sameRaid, warning]);
    await app.waitFor(`[data-report="${killing}"][data-new=true]`, { text: "Not acknowledged by Police (NPS)" });
    await app.waitFor(`[data-report="${raid}"]`, { text: "Lead: Kenya Defence Forces (KDF)" });
    await app.waitFor("[data-testid=inbox-count]", { text: "4 not yet acknowledged by Police (NPS)" });
    await app.screenshot("24-officer-inbox", { top: true });

    // The officer acknowledges the killing from its page.
    await app.click(`[data-report="${killing}"]`);
    await app.waitFor("main[data-screen=report] #act-acknowledge");
    // Police are neither lead nor support here: no update, close or lead to name.
    assert.equal(await app.exec("return document.querySelector('#act-close, #act-update, #act-assign');"), null);
    await app.click("#act-acknowledge");
    await app.waitFor("#act-submit", { text: "Acknowledge for Police (NPS)" });
    await app.screenshot("25-officer-report-actions");
    await app.click("#act-submit");
    await app.waitFor("#act-done", { text: "Recorded: acknowledged for Police (NPS)" });
    await app.waitFor(".timeline [data-kind=acknowledged]", { text: "Acknowledged by Police (NPS)" });
    await app.waitFor("[data-status=acknowledged]");
    assert.equal(await app.exec("return document.querySelector('#act-acknowledge');"), null);
    await app.screenshot("26-officer-acknowledged");

    await app.click("#nav-home");
    await app.waitFor(`[data-report="${killing}"][data-new=false]`, { text: "Acknowledged by Police (NPS)" });
    // The cleared officer reads the raid's sealed source.
    await app.click(`[data-report="${raid}"]`);
    await app.waitFor("main[data-screen=report] .restricted", { text: "Lokorio Ekai" });
    await app.exec("document.querySelector('main[data-screen=report] .restricted').scrollIntoView({ block: 'center' });");
    await app.screenshot("28-cleared-officer-reads-sealed-source");

    // The board: open incidents with their lead and age, the second raid report under the first.
    await app.click("#nav-board");
    await app.waitFor(`[data-incident="${raid}"] tr.linked[data-report="${sameRaid}"]`);
    await app.waitFor(`[data-incident="${raid}"] [data-testid=lead]`, { text: "Kenya Defence Forces (KDF)" });
    await app.waitFor(`[data-incident="${killing}"] [data-testid=lead]`, { text: "No lead yet" });
    await app.waitFor(`[data-incident="${raid}"] [data-testid=age]`, { text: "3 hours" });
    assert.equal(await app.exec(`return document.querySelector('[data-incident="${sameRaid}"]');`), null);
    await app.screenshot("27-officer-board", { top: true });

    // Background sync takes the acknowledgement to the county; the chief's next sync brings it back.
    await app.click("#sync-now");
    let shown;
    for (let i = 0; i < 60; i++) {
      cli(chief, "sync");
      shown = JSON.parse(cli(chief, "report", "show", killing, "--json"));
      if (shown.status === "acknowledged") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(shown.status, "acknowledged");
    assert.deepEqual(shown.acknowledged_by, ["nps"]);
  } finally {
    hub.stop();
  }
});

test("an officer's inbox warns of a killing; the officer acknowledges it with a note, and the note shows", async () => {
  const home = freshHome();
  cli(home, "init", "--name", "Inspector Lokwang", "--role", "officer", "--agency", "nps");
  addReport(home, {
    type: "killing",
    urgency: "urgent",
    occurred_at: eatAgo(60),
    unit: "ke-024-l-ombolion",
    narrative: "A herder was shot at the market.",
    people: { killed: 1 },
  });
  const app = await start(home);
  await app.unlock();
  const panel = "main[data-screen=home] [data-testid=warnings]";
  await app.waitFor(`${panel} [data-rule=report]`, { text: "1 killed" });
  await app.waitFor(`${panel} [data-rule=report]`, { text: "Ombolion" });
  const id = await app.exec(`return document.querySelector("${panel} [data-warning]").dataset.warning;`);
  await app.click(`[data-acknowledge="${id}"]`);
  await app.waitFor("[data-testid=acknowledge-dialog]", { text: "What was done?" });
  await app.type("#f-warning-note", "Patrol sent to Kacheliba market; elders called.");
  await app.click("#warning-save");
  await app.waitFor(`[data-warning="${id}"] [data-testid=warning-ack]`, { text: "Patrol sent to Kacheliba market; elders called." });
  await app.waitFor(`[data-warning="${id}"] [data-testid=warning-ack]`, { text: "Inspector Lokwang (Police (NPS))" });
  assert.equal(await app.exec("return document.querySelector('[data-testid=acknowledge-dialog]');"), null);
  await app.screenshot("30-officer-warning-acknowledged", { top: true });
  const [shown] = JSON.parse(cli(home, "warning", "list", "--json")).warnings;
  assert.equal(shown.id, id);
  assert.equal(shown.acknowledgements[0].note, "Patrol sent to Kacheliba market; elders called.");
});

test("a chief's flash raid is alerted by SMS: the QR code and the 160-character text show, and asking again gives the same alert", async () => {
  const hub = await Hub.start();
  try {
    hub.run("sms", "number", "+254712345678");
    const home = initHome();
    cli(home, "enroll", "--string", hub.invite("Joseph Korkimul"));
    cli(home, "sync");
    const id = addReport(home, {
      type: "livestock_raid",
      urgency: "flash",
      occurred_at: eatAgo(30),
      unit: "ke-024-l-ombolion",
      narrative: "About 150 cattle driven off towards the border by armed raiders at dawn.",
      livestock: [{ species: "cattle", stolen: 150, estimate: true }],
    });
    const app = await start(home);
    await app.unlock();
    await app.click("#nav-list");
    await app.click(`tr[data-report="${id}"] button`);
    await app.click("#sms-alert");
    await app.waitFor("[data-testid=sms-ready] svg[role=img]");
    await app.waitFor("[data-testid=sms-ready] figcaption", { text: "+254712345678" });
    const full = await app.exec("return document.getElementById('sms-full').textContent;");
    assert.equal(full.length, 160);
    assert.match(full, /^U1/);
    const short = await app.exec("return document.getElementById('sms-short').textContent;");
    assert.equal(short.replaceAll(" ", "").length, 60);
    await app.screenshot("31-sms-alert", { top: true });
    // The alert was recorded once: asked again from a fresh page, the same text.
    await app.click("#nav-list");
    await app.click(`tr[data-report="${id}"] button`);
    await app.click("#sms-alert");
    await app.waitFor("#sms-full");
    assert.equal(await app.exec("return document.getElementById('sms-full').textContent;"), full);
  } finally {
    await hub.stopped();
  }
});
