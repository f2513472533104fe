/** `text` as one POSIX shell word: single-quoted, each ' written as '\''. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
