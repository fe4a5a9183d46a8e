// Secrets a command reads: typed at a terminal without echo, or lines of standard input; never the command line.
import { ConfigError } from '../config/config.ts';

/** Standard input to its end, as lines without their line ends. */
async function stdinLines(input: NodeJS.ReadStream): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''));
}

/** One line typed at the terminal, not echoed. Ctrl-C aborts with ConfigError. */
function hiddenLine(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (text: string) => {
      for (const c of text) {
        if (c === '\r' || c === '\n' || c === '\u0004') return done();
        if (c === '\u0003') return done(new ConfigError('cancelled'));
        if (c === '\u007f' || c === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += c;
      }
    };
    input.on('data', onData);
  });
}

/**
 * Reads one secret per prompt. At a terminal (unless `fromStdin`), each prompt is written to stderr and the answer
 * is typed without echo; otherwise the secrets are the first lines of standard input, in order.
 */
export async function readSecrets(prompts: string[], options: { fromStdin: boolean }): Promise<string[]> {
  if (prompts.length === 0) return [];
  const input = process.stdin;
  if (options.fromStdin || !input.isTTY) {
    const lines = await stdinLines(input);
    if (lines.length < prompts.length || lines.slice(0, prompts.length).some((l) => l === ''))
      throw new ConfigError(`expected ${prompts.length} non-empty line(s) on standard input`);
    return lines.slice(0, prompts.length);
  }
  const out: string[] = [];
  for (const p of prompts) out.push(await hiddenLine(input, p));
  return out;
}
