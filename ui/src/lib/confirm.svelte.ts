// The app's own question before something that cannot be undone: in the user's language, in the
// app's look, never the webview's dialog (titled "JavaScript", with English buttons).
// `confirmAction` asks; the one <ConfirmDialog> in the app's frame shows the question.

export type Question = {
  message: string;
  /** The label of the button that does it ("Discard draft"). */
  confirm: string;
  answer: (yes: boolean) => void;
};

export const asking = $state<{ question: Question | null }>({ question: null });

/** Asks `message`; resolves true only when the user presses the `confirm` button. */
export function confirmAction(message: string, confirm: string): Promise<boolean> {
  // A second question replaces a first one left open, which counts as "no".
  asking.question?.answer(false);
  return new Promise((resolve) => {
    asking.question = { message, confirm, answer: resolve };
  });
}

/** The user's answer to the open question. */
export function answer(yes: boolean) {
  const question = asking.question;
  asking.question = null;
  question?.answer(yes);
}
