// What the app's modal dialogs share.

/** Keeps Tab and Shift+Tab inside a dialog: focus moves round the elements `stops` matches. */
export function keepTabInside(e: KeyboardEvent, dialog: HTMLElement, stops: string): void {
  const all = [...dialog.querySelectorAll<HTMLElement>(stops)];
  const at = all.indexOf(document.activeElement as HTMLElement);
  e.preventDefault();
  all[(at + (e.shiftKey ? all.length - 1 : 1)) % all.length]?.focus();
}
