/** Terminal output helpers: colour only on a TTY and never under NO_COLOR, and the LCD drawn as a box. */
const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;

const codes = {
  dim: [2, 22],
  bold: [1, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  gray: [90, 39],
} as const;
export type Style = keyof typeof codes;

export function paint(style: Style, text: string): string {
  if (!useColor) return text;
  const [on, off] = codes[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

export function lcdBox(lines: readonly string[], title = ''): string[] {
  const width = 20;
  const head = title ? `─ ${title} ` : '';
  return [
    `┌${head}${'─'.repeat(Math.max(0, width + 2 - head.length))}┐`,
    ...lines.map((l) => `│ ${paint('green', l.padEnd(width))} │`),
    `└${'─'.repeat(width + 2)}┘`,
  ];
}

export function clock(ts = Date.now()): string {
  return new Date(ts).toISOString().slice(11, 23);
}
