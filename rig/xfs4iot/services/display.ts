/**
 * The 4x20 LCD as TextTerminal sees it: a grid of characters with a cursor. Pure: the service sends the lines to
 * `lcd/cmd/show` after each change. Text past the end of a line is cut (the LCD cannot show it); only printable
 * ASCII is in the LCD's character set (an HD44780's ROM agrees on those).
 */
export const WIDTH = 20;
export const HEIGHT = 4;
const PRINTABLE = /^[\x20-\x7e]*$/;

export class Display {
  #rows: string[][];
  cursor = { x: 0, y: 0 };

  constructor(lines: readonly string[] = []) {
    this.#rows = Array.from({ length: HEIGHT }, (_, y) => [...(lines[y] ?? '').slice(0, WIDTH).padEnd(WIDTH, ' ')]);
  }

  get lines(): string[] {
    return this.#rows.map((r) => r.join('').trimEnd());
  }

  static printable(text: string): boolean {
    return PRINTABLE.test(text);
  }

  /** Where absolute or relative coordinates land, or undefined when off the screen. */
  position(mode: 'absolute' | 'relative', x: number, y: number): { x: number; y: number } | undefined {
    const at = mode === 'absolute' ? { x, y } : { x: this.cursor.x + x, y: this.cursor.y + y };
    return at.x >= 0 && at.x < WIDTH && at.y >= 0 && at.y < HEIGHT ? at : undefined;
  }

  /** Write at a position; the cursor ends after the text (at most at the line's end). */
  write(at: { x: number; y: number }, text: string): void {
    const row = this.#rows[at.y]!;
    const fits = [...text].slice(0, WIDTH - at.x);
    fits.forEach((ch, i) => (row[at.x + i] = ch));
    this.cursor = { x: Math.min(at.x + fits.length, WIDTH - 1), y: at.y };
  }

  /** Blank a rectangle (the whole screen when none); the cursor goes to its top-left corner. */
  clear(area?: { positionX: number; positionY: number; width: number; height: number } | null): void {
    const a = area ?? { positionX: 0, positionY: 0, width: WIDTH, height: HEIGHT };
    for (let y = a.positionY; y < Math.min(HEIGHT, a.positionY + a.height); y++)
      for (let x = a.positionX; x < Math.min(WIDTH, a.positionX + a.width); x++) this.#rows[y]![x] = ' ';
    this.cursor = { x: Math.min(a.positionX, WIDTH - 1), y: Math.min(a.positionY, HEIGHT - 1) };
  }
}
