// The passphrase's hint, as the core gives it (`keys::is_one_word`): a single word is accepted,
// but several words are easier to remember and harder to guess. The rules that refuse a
// passphrase are the core's alone; their problems come back with a rule code.

/** Whether the passphrase is one word: letters and digits with nothing between them. */
export function isOneWord(passphrase: string): boolean {
  return passphrase.split(/[^\p{L}\p{N}]+/u).filter(Boolean).length < 2;
}
