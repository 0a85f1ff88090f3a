import { cleanup, configure } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";
import { setLang } from "../src/lib/i18n.svelte";

// A shared, busy machine renders a few hundred rows slowly: waiting is bounded by what is
// asserted, not by the machine's speed.
configure({ asyncUtilTimeout: 5000 });

// jsdom lays nothing out, so it cannot scroll; the form scrolls a field clear of its save bar.
window.scrollBy = () => {};

afterEach(() => {
  // Unmount first: a component that stops listening to the store's events on its way out
  // needs the mocked event plugin still there.
  cleanup();
  clearMocks();
  setLang("en");
});
