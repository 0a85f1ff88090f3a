// A chief files a flash livestock raid by keyboard alone, through the real webview with real key
// presses (WebDriver actions), and the keys are counted: every key that types nothing into a
// field (Tab, the arrows, Space on a choice, End, Ctrl+S) is a navigation key.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { App, cli, initHome } from "./webdriver.mjs";

const open = [];
afterEach(async () => {
  while (open.length) await open.pop().quit();
});

const KEY = { tab: "\uE004", space: "\uE00D", left: "\uE012", down: "\uE015", end: "\uE010", control: "\uE009" };

/** Counts what the chief presses: navigation keys and typed characters apart. */
class Keyboard {
  constructor(app) {
    this.app = app;
    this.navigation = 0;
    this.typed = 0;
  }

  async go(...keys) {
    this.navigation += keys.length;
    await this.app.press(...keys);
    if (process.env.E2E_DEBUG) console.log(await this.app.exec("const e = document.activeElement; return `${e.tagName}#${e.id} ${e.name ?? ''}=${e.value ?? ''} ${e.checked ?? ''}`;"));
  }

  async write(text) {
    this.typed += text.length;
    await this.app.press(...text);
  }

  async save() {
    this.navigation += 1;
    await this.app.chord(KEY.control, "s");
  }
}

/** Half past the hour before this one, in East Africa Time, as a chief types it ("0530"); at
 * 00:30 at the latest, so that it is today and (after 00:30) never in the future. */
function anHourAgo() {
  const hour = Math.max(0, new Date(Date.now() + 3 * 3600_000).getUTCHours() - 1);
  return { typed: `${String(hour).padStart(2, "0")}30`, hour };
}

test("a flash livestock raid is filed by keyboard alone within 25 navigation keys and 90 typed characters", async () => {
  const home = initHome();
  const app = await App.start(home);
  open.push(app);
  await app.size(1024, 600);
  await app.unlock();
  await app.waitFor("main[data-screen=home]");
  await app.click("#new-report");
  await app.waitFor("main[data-screen=form]");
  const started = Date.now();
  const keys = new Keyboard(app);
  const { typed: time, hour } = anHourAgo();

  await keys.go(KEY.tab, KEY.space); // the first kind: livestock raid
  await keys.go(KEY.tab, KEY.left, KEY.left); // urgency: from routine to flash
  await keys.go(KEY.tab, KEY.tab); // the day stays today; to the time
  await keys.write(time);
  await keys.go(KEY.tab, KEY.tab); // the unit stays the chief's; to the place
  await keys.write("Kanyerus");
  await keys.go(KEY.tab, KEY.tab, KEY.tab); // past the GPS boxes, to the narrative
  await keys.write("About 40 armed raiders struck at dawn. They fled with the cattle.");
  await keys.go(KEY.tab); // the people: killed
  await keys.write("2");
  await keys.go(KEY.down);
  await keys.write("3");
  await keys.go(KEY.tab); // the livestock: cattle stolen
  await keys.write("150");
  await keys.go(KEY.end, KEY.space); // the row's last box: the numbers are estimates
  await keys.go(KEY.tab, KEY.left, KEY.left); // armed: from unknown to yes
  await keys.go(KEY.tab);
  await keys.write("border");
  await keys.save();

  await app.waitFor("#report-notice", { text: "Report saved on this laptop" });
  const elapsed = Date.now() - started;
  const id = await app.exec("return document.querySelector('[data-report-id]').dataset.reportId;");
  const shown = JSON.parse(cli(home, "report", "show", id, "--json"));
  assert.equal(shown.type, "livestock_raid");
  assert.equal(shown.urgency, "flash");
  assert.equal(shown.place, "Kanyerus");
  assert.match(shown.occurred_at, new RegExp(`T${String(hour).padStart(2, "0")}:30:00\\+03:00$`));
  assert.deepEqual(shown.people, { killed: 2, injured: 3 });
  assert.deepEqual(shown.livestock, [{ species: "cattle", stolen: 150, estimate: true }]);
  assert.deepEqual(shown.suspects, { armed: true, direction: "border" });
  assert.equal(shown.narrative, "About 40 armed raiders struck at dawn. They fled with the cattle.");

  console.log(`flash raid by keyboard: ${keys.navigation} navigation keys, ${keys.typed} typed characters, ${elapsed} ms`);
  assert.ok(keys.navigation <= 25, `${keys.navigation} navigation keys`);
  assert.ok(keys.typed <= 90, `${keys.typed} typed characters`);
});
