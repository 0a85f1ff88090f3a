// A small W3C WebDriver client over fetch, enough for the app's end-to-end tests, plus the
// helpers they share: a home folder per test, the CLI on the same folder, screenshots.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const URL_ = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const PASSPHRASE = "goats graze where the river bends";

async function call(method, path, body, timeout = 60000) {
  const res = await fetch(URL_ + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? res.status}: ${v.message ?? ""}`);
  }
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One run of the app on `home`, driven through its webview. */
export class App {
  static async start(home) {
    const value = await call("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "wry",
          "tauri:options": { application: process.env.APP, args: ["--home", home] },
        },
      },
    });
    const app = new App(value.sessionId, home);
    await app.waitFor("main[data-phase]:not([data-phase=loading])");
    return app;
  }

  constructor(id, home) {
    this.id = id;
    this.home = home;
  }

  s(path) {
    return `/session/${this.id}${path}`;
  }

  async quit() {
    await call("DELETE", this.s("")).catch(() => {});
  }

  /** Kills the app's process outright (a crash or a power cut), then forgets the session. */
  async kill() {
    const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
    const line = ps
      .split("\n")
      .find((l) => l.includes(process.env.APP) && l.includes(`--home ${this.home}`));
    if (!line) throw new Error("the app's process was not found");
    process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
    await sleep(300);
    await this.quit();
  }

  async exec(script, ...args) {
    return call("POST", this.s("/execute/sync"), { script, args });
  }

  /** Runs `script` in the page; it calls its last argument with the result. */
  async execAsync(script, ...args) {
    return call("POST", this.s("/execute/async"), { script, args });
  }

  /** The app's process id and those of the WebKit processes it started. */
  pids() {
    const ps = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/))
      .map(([pid, ppid, ...args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args.join(" ") }));
    const root = ps.find((p) => p.args.includes(process.env.APP) && p.args.includes(`--home ${this.home}`));
    if (!root) return [];
    const out = [root.pid];
    for (let i = 0; i < out.length; i++) out.push(...ps.filter((p) => p.ppid === out[i]).map((p) => p.pid));
    return out;
  }

  async find(css) {
    const v = await call("POST", this.s("/element"), { using: "css selector", value: css });
    return v[ELEMENT];
  }

  /** Waits until `css` matches (and, if given, its text matches `text`); returns the element. */
  async waitFor(css, { text, timeout = 10000 } = {}) {
    const end = Date.now() + timeout;
    let last = "";
    for (;;) {
      try {
        const el = await this.find(css);
        if (!text) return el;
        last = await this.text(css);
        if (text instanceof RegExp ? text.test(last) : last.includes(text)) return el;
      } catch {
        // not there yet
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${css} ${text ?? ""} (last text: ${last})`);
      await sleep(100);
    }
  }

  async click(css) {
    const el = await this.waitFor(css);
    // Into the middle of the window, as a person scrolls to what they click.
    await this.exec("document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' });", css);
    await call("POST", this.s(`/element/${el}/click`), {});
  }

  /** Ticks a checkbox or radio button by clicking its label, as a person does. */
  async choose(inputCss) {
    // What was just asked for (a folder looked at again) may not be listed yet.
    await this.waitFor(inputCss);
    const id = await this.exec(
      `const input = document.querySelector(arguments[0]);
       const label = input && input.closest("label");
       if (!label) return null;
       label.dataset.e2e ??= String(Math.random()).slice(2);
       return label.dataset.e2e;`,
      inputCss,
    );
    if (!id) throw new Error(`no label around ${inputCss}`);
    await this.click(`label[data-e2e="${id}"]`);
  }

  async type(css, text) {
    const el = await this.waitFor(css);
    await call("POST", this.s(`/element/${el}/value`), { text });
  }

  /** Presses each key in turn (a WebDriver key such as "\uE004" for Tab, or one character)
   * through WebDriver's actions, which WebKit receives as a person's key presses. */
  async press(...keys) {
    const actions = keys.flatMap((value) => [
      { type: "keyDown", value },
      { type: "keyUp", value },
    ]);
    await call("POST", this.s("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  /** Holds `modifier` (e.g. "\uE009" for Control) while pressing `key`. */
  async chord(modifier, key) {
    const actions = [
      { type: "keyDown", value: modifier },
      { type: "keyDown", value: key },
      { type: "keyUp", value: key },
      { type: "keyUp", value: modifier },
    ];
    await call("POST", this.s("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  async clear(css) {
    const el = await this.waitFor(css);
    await call("POST", this.s(`/element/${el}/clear`), {});
  }

  async text(css) {
    return this.exec("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
  }

  async value(css) {
    return this.exec("const e = document.querySelector(arguments[0]); return e ? e.value : null;", css);
  }

  /** The window's position and outer size, as the window system has it. */
  async rect() {
    return call("GET", this.s("/window/rect"));
  }

  async size(width, height) {
    await call("POST", this.s("/window/rect"), { width, height }).catch(() => {});
  }

  /** Saves what the window shows as E2E_OUT/NAME.png (and in docs/screenshots/ when asked). */
  async screenshot(name, { top = false } = {}) {
    if (top) await this.exec("window.scrollTo(0, 0); document.activeElement?.blur();");
    // A snapshot waits for WebKit's next frame: make sure there is one.
    await this.execAsync(
      `const done = arguments[arguments.length - 1];
       document.documentElement.classList.toggle("e2e-frame");
       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
    );
    const png = Buffer.from(await call("GET", this.s("/screenshot"), undefined, 20000), "base64");
    const out = process.env.E2E_OUT ?? "e2e-output";
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${name}.png`), png);
    if (process.env.UPDATE_SCREENSHOTS) {
      writeFileSync(join(import.meta.dirname, "../../docs/screenshots", `${name}.png`), png);
    }
  }

  async unlock(passphrase = PASSPHRASE) {
    await this.type("#f-unlock", passphrase);
    await this.click("#unlock-button");
  }
}

export function freshHome() {
  return mkdtempSync(join(tmpdir(), "usalama-e2e-"));
}

/** A fresh USB stick "plugged in": a folder under USALAMA_MEDIA_DIR (see run.sh). */
export function usbStick(name) {
  if (!process.env.USALAMA_MEDIA_DIR) throw new Error("USALAMA_MEDIA_DIR must name the sticks' folder");
  const dir = join(process.env.USALAMA_MEDIA_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Files a report through the CLI, as `usalama report add FILE`; returns its id. */
export function addReport(home, report) {
  const file = join(home, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(report));
  return cli(home, "report", "add", file).trim();
}

/** `minutes` ago as RFC 3339 in East Africa Time, for a report's `occurred_at`. */
export function eatAgo(minutes) {
  const d = new Date(Date.now() - minutes * 60000 + 3 * 3600000);
  return `${d.toISOString().slice(0, 19)}+03:00`;
}

/** The CLI on the same home folder. */
export function cli(home, ...args) {
  return execFileSync(process.env.CLI, ["--home", home, ...args], {
    encoding: "utf8",
    env: { ...process.env, USALAMA_PASSPHRASE: PASSPHRASE, USALAMA_KDF: "fast-insecure" },
  });
}

/** A store made by the CLI, as a county ICT helper would. */
export function initHome(lang = "en") {
  const home = freshHome();
  cli(home, "init", "--name", "Joseph Korkimul", "--role", "chief", "--unit", "ke-024-l-ombolion", "--lang", lang);
  return home;
}

/** A real county hub (`usalama-hub serve`) on 127.0.0.1 with its own database, for sync tests. */
export class Hub {
  static async start() {
    if (!process.env.HUB) throw new Error("HUB must name the usalama-hub binary");
    const dir = mkdtempSync(join(tmpdir(), "usalama-e2e-hub-"));
    const db = join(dir, "hub.db");
    const port = 20000 + Math.floor(Math.random() * 20000);
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.env.HUB, ["--db", db, "serve", "--listen", `127.0.0.1:${port}`, "--admin-listen", "127.0.0.1:0"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    child.stderr.on("data", (d) => (log += d));
    const hub = new Hub(child, db, url);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`the hub did not start: ${log}`);
      if (await fetch(`${url}/openapi.json`).then((r) => r.ok, () => false)) return hub;
      await sleep(100);
    }
    hub.stop();
    throw new Error(`the hub did not answer on ${url}: ${log}`);
  }

  constructor(child, db, url) {
    this.child = child;
    this.db = db;
    this.url = url;
  }

  /** Approves every device waiting for approval (cleared and administrators' devices), as the
   * county ICT officer does after comparing the id the laptop shows. */
  approvePending() {
    const devices = JSON.parse(execFileSync(process.env.HUB, ["--db", this.db, "--json", "devices", "list"], { encoding: "utf8" }));
    for (const d of devices.filter((d) => d.pending && !d.revoked)) {
      execFileSync(process.env.HUB, ["--db", this.db, "devices", "approve", d.id], { encoding: "utf8" });
    }
  }

  /** A one-time enrollment string for a person, as `usalama-hub invite` prints it. */
  invite(name, role = "chief", unit = "ke-024-l-ombolion", agency = null, { cleared = false } = {}) {
    const extra = [...(agency ? ["--agency", agency] : []), ...(cleared ? ["--cleared"] : [])];
    const out = execFileSync(
      process.env.HUB,
      ["--db", this.db, "--json", "invite", "--name", name, "--role", role, "--unit", unit, ...extra],
      { encoding: "utf8" },
    );
    return JSON.parse(out).enrollment;
  }

  /** An agency officer's device (the CLI), enrolled with this hub. */
  officer(name, agency) {
    const home = freshHome();
    cli(home, "init", "--name", name, "--role", "officer", "--agency", agency);
    cli(home, "enroll", "--string", this.invite(name, "officer", "ke-024", agency));
    return home;
  }

  /** Runs `usalama-hub --db DB ARGS...` on this hub's database; returns what it printed. */
  run(...args) {
    return execFileSync(process.env.HUB, ["--db", this.db, ...args], { encoding: "utf8" });
  }

  stop() {
    this.child.kill("SIGTERM");
  }

  /** Stops the server and waits until it has let go of its database. */
  async stopped() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.stop();
      await exited;
    }
  }
}
