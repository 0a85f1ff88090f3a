// Arrow-key movement through a table of boxes (the people and livestock counts), so that the
// whole table is one Tab stop: Tab enters it at the box last used and leaves it for the next
// section, the arrows move between boxes, Home and End go to the first and last box of a row.
// In a text box the left and right arrows, Home and End move the cursor first and leave the box
// only from its edge, so typing is never surprised.
//
// Rows are the elements marked `data-grid-row`; a row's boxes are its enabled inputs, in order.

const BOX = "input:not([disabled]), select:not([disabled]), textarea:not([disabled])";

function rowsOf(grid: HTMLElement): HTMLElement[][] {
  return [...grid.querySelectorAll<HTMLElement>("[data-grid-row]")]
    .map((row) => [...row.querySelectorAll<HTMLElement>(BOX)])
    .filter((boxes) => boxes.length > 0);
}

/** Whether a key that moves the cursor in a text box has nothing left to move past. */
function atEdge(box: HTMLElement, towardStart: boolean): boolean {
  if (!(box instanceof HTMLInputElement) || !["text", "search", ""].includes(box.type)) return true;
  const { selectionStart: start, selectionEnd: end, value } = box;
  if (start === null || end === null) return true;
  return towardStart ? start === 0 && end === 0 : start === value.length && end === value.length;
}

/** The box a key moves to from `row`/`col`, or null when the key is not the grid's. */
function target(rows: HTMLElement[][], row: number, col: number, key: string): HTMLElement | null {
  const line = rows[row];
  switch (key) {
    case "ArrowUp":
    case "ArrowDown": {
      const next = rows[row + (key === "ArrowUp" ? -1 : 1)];
      return next ? next[Math.min(col, next.length - 1)] : null;
    }
    case "ArrowLeft":
      return line[col - 1] ?? null;
    case "ArrowRight":
      return line[col + 1] ?? null;
    case "Home":
      return col > 0 ? line[0] : null;
    case "End":
      return col < line.length - 1 ? line[line.length - 1] : null;
    default:
      return null;
  }
}

/** A Svelte action: makes `grid` one Tab stop with arrow-key movement between its boxes. */
export function grid(node: HTMLElement) {
  let current: HTMLElement | null = null;

  // One box takes part in the Tab order: the one last used, else the first.
  function rove() {
    const boxes = rowsOf(node).flat();
    if (!current || !boxes.includes(current)) current = boxes[0] ?? null;
    for (const box of boxes) box.tabIndex = box === current ? 0 : -1;
  }

  function onfocusin(e: FocusEvent) {
    if (e.target instanceof HTMLElement && e.target.matches(BOX)) {
      current = e.target;
      rove();
    }
  }

  function onkeydown(e: KeyboardEvent) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !(e.target instanceof HTMLElement)) return;
    const rows = rowsOf(node);
    const row = rows.findIndex((boxes) => boxes.includes(e.target as HTMLElement));
    if (row < 0) return;
    const col = rows[row].indexOf(e.target);
    const sideways = ["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key);
    if (sideways && !atEdge(e.target, e.key === "ArrowLeft" || e.key === "Home")) return;
    const next = target(rows, row, col, e.key);
    if (!next) return;
    e.preventDefault();
    next.focus();
    if (next instanceof HTMLInputElement && next.type === "text") next.select();
  }

  // Boxes come and go (a row split into men, women and children; Unknown disabling a count).
  const watch = new MutationObserver(rove);
  watch.observe(node, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"] });
  node.addEventListener("focusin", onfocusin);
  node.addEventListener("keydown", onkeydown);
  rove();
  return {
    destroy() {
      watch.disconnect();
      node.removeEventListener("focusin", onfocusin);
      node.removeEventListener("keydown", onkeydown);
    },
  };
}
