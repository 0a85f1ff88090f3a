// The app on an old laptop's 1024×600 screen with no window manager to shrink its window: run by
// `make e2e` under a screen of that size (E2E_SCREEN=1024x600x24, see run.sh).
import assert from "node:assert/strict";
import { test } from "node:test";
import { App, initHome } from "./webdriver.mjs";

test("on a 1024×600 screen the window fits the screen, and the form's Save button is on it", async () => {
  const home = initHome();
  const app = await App.start(home);
  try {
    const screen = await app.exec("return { width: screen.width, height: screen.height };");
    assert.deepEqual(screen, { width: 1024, height: 600 });
    const rect = await app.rect();
    assert.ok(rect.width <= 1024 && rect.height <= 600, `the window is ${rect.width}×${rect.height}`);
    assert.ok(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= 1024 && rect.y + rect.height <= 600, JSON.stringify(rect));
    await app.unlock();
    await app.waitFor("main[data-screen=home]");
    await app.click("#new-report");
    await app.waitFor("main[data-screen=form]");
    await app.exec("window.scrollTo(0, 0);");
    const save = await app.exec(
      `const r = document.getElementById("save-report").getBoundingClientRect();
       return { bottom: r.bottom, right: r.right, inner: window.innerHeight };`,
    );
    assert.ok(save.bottom <= save.inner && rect.y + save.bottom <= 600, JSON.stringify({ save, rect }));
    await app.screenshot("29-form-on-a-1024x600-screen");
  } finally {
    await app.quit();
  }
});
