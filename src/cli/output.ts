import type { CommandContext } from './context.js';

/** Prints a command's result: JSON for --json, else the command's own text rendering. */
export const printResult = <T>(ctx: CommandContext, value: T, renderText: (value: T) => string): void => {
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const text = renderText(value);
  if (text !== '') ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
