/**
 * Bar charts drawn as inline SVG for the HTML reports (`atm-rig load`, `npm run bench`): no script, no
 * font-dependent glyphs, so a report is one self-contained file to attach or mail.
 */
const W = 720;
const H = 220;
const PAD = 36;

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A bar chart as inline SVG: one bar per value, a label under every few, the value in each bar's tooltip, and over
 * each bar as well when there are few (a short bar beside a tall one still reads).
 */
export function bars(values: { label: string; value: number; colour?: string }[], title: string, unit: string): string {
  const max = Math.max(1, ...values.map((v) => v.value));
  const w = (W - 2 * PAD) / Math.max(1, values.length);
  const rects = values
    .map((v, i) => {
      const h = ((H - 2 * PAD) * v.value) / max;
      return `<rect x="${PAD + i * w + 1}" y="${H - PAD - h}" width="${Math.max(1, w - 2)}" height="${h}" fill="${v.colour ?? '#3b82f6'}"><title>${escapeHtml(v.label)}: ${v.value}</title></rect>`;
    })
    .join('');
  const onBars =
    values.length > 12
      ? ''
      : values
          .map((v, i) => {
            const y = H - PAD - ((H - 2 * PAD) * v.value) / max - 3;
            return `<text x="${PAD + i * w + w / 2}" y="${y}" font-size="10" text-anchor="middle">${v.value.toLocaleString('en')}</text>`;
          })
          .join('');
  const every = Math.max(1, Math.ceil(values.length / 10));
  const labels = values
    .map((v, i) =>
      i % every === 0
        ? `<text x="${PAD + i * w + w / 2}" y="${H - PAD + 14}" font-size="10" text-anchor="middle">${escapeHtml(v.label)}</text>`
        : '',
    )
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">
<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#888"/><text x="${PAD - 4}" y="${PAD}" font-size="10" text-anchor="end">${max.toLocaleString('en', { maximumFractionDigits: 1 })}</text>
<text x="${PAD - 4}" y="${H - PAD}" font-size="10" text-anchor="end">0</text><text x="${W - PAD}" y="${H - 6}" font-size="10" text-anchor="end">${escapeHtml(unit)}</text>${rects}${onBars}${labels}</svg></figure>`;
}
