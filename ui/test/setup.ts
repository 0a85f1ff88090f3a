import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";
import { setLang } from "../src/lib/i18n.svelte";

afterEach(() => {
  clearMocks();
  setLang("en");
});
