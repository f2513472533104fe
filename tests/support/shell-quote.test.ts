// shellQuote: what sh reads back is the text itself, whatever it holds.
import { spawnSync } from 'node:child_process';
import { shellQuote } from './shell-quote';

const readBack = (word: string) => spawnSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' }).stdout;

describe('shellQuote', () => {
  it.each(['plain', "it's", "''", 'a b', '$HOME `id` "x" \\n', '/path/with space/kubectl'])('gives sh back %s', (text) => {
    expect(readBack(shellQuote(text))).toBe(text);
  });

  it('is needed: plain single quotes around a quote break (negative control)', () => {
    expect(readBack(`'it's'`)).not.toBe("it's");
  });
});
