export interface FanoutPoint {
  lastSeconds: number;
  serverBytes: number;
  copies: number;
}

/** One measured fleet size of bench/fanout: rsync, and BitTorrent under each compared setting (by label). */
export interface FanoutRow {
  n: number;
  rsync?: FanoutPoint;
  torrent: Record<string, FanoutPoint>;
}

interface Series {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

const width = 460;
const torrentColours = ['#2471a3', '#28b463', '#af7ac5', '#d68910'];
const height = 320;
const margin = { left: 56, right: 16, top: 36, bottom: 44 };

const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `value`. */
const niceMax = (value: number): number => {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  return ([1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power);
};

/** Pure: one line chart (SVG group) at `offsetX`, x = fleet size, y from 0. */
const chart = (offsetX: number, title: string, yLabel: string, xs: readonly number[], series: readonly Series[]): string => {
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xMax = Math.max(...xs);
  const yMax = niceMax(Math.max(1, ...series.flatMap((line) => line.points.map((point) => point.y))));
  const px = (x: number): number => margin.left + (x / xMax) * plotW;
  const py = (y: number): number => margin.top + plotH - (y / yMax) * plotH;
  const ticksY = [0, 0.25, 0.5, 0.75, 1].map((share) => share * yMax);
  const parts = [
    `<g transform="translate(${offsetX},0)">`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#333"/>`,
    ...ticksY.map((tick) => `<line x1="${margin.left}" y1="${py(tick)}" x2="${margin.left + plotW}" y2="${py(tick)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${py(tick) + 4}" text-anchor="end" font-size="11">${Number(tick.toPrecision(3))}</text>`),
    ...xs.map((x) => `<text x="${px(x)}" y="${margin.top + plotH + 16}" text-anchor="middle" font-size="11">${x}</text>`),
    `<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">clients installing at once (N)</text>`,
    `<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${margin.top + plotH / 2})">${escape(yLabel)}</text>`,
  ];
  series.forEach((line, index) => {
    if (line.points.length === 0) return;
    const path = line.points.map((point, at) => `${at === 0 ? 'M' : 'L'}${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${line.colour}" stroke-width="2"${line.dashed === true ? ' stroke-dasharray="5,4"' : ''}/>`);
    for (const point of line.points) parts.push(`<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="3" fill="${line.colour}"><title>N=${point.x}: ${point.y.toFixed(2)}</title></circle>`);
    const legendY = margin.top + 12 + index * 16;
    parts.push(`<line x1="${margin.left + 10}" y1="${legendY - 4}" x2="${margin.left + 30}" y2="${legendY - 4}" stroke="${line.colour}" stroke-width="2"${line.dashed === true ? ' stroke-dasharray="5,4"' : ''}/><text x="${margin.left + 36}" y="${legendY}" font-size="11">${escape(line.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
};

/** Pure: last-client time and server copies against N, rsync and BitTorrent side by side, as one SVG document. */
export const renderFanoutSvg = (rows: readonly FanoutRow[], options: { title: string }): string => {
  const xs = rows.map((row) => row.n);
  const of = (pick: (row: FanoutRow) => number | undefined): { x: number; y: number }[] =>
    rows.flatMap((row) => {
      const y = pick(row);
      return y === undefined ? [] : [{ x: row.n, y }];
    });
  const labels = [...new Set(rows.flatMap((row) => Object.keys(row.torrent)))];
  const torrentSeries = (pick: (point: FanoutPoint) => number): Series[] =>
    labels.map((label, index) => ({ name: `BitTorrent, ${label}`, colour: torrentColours[index % torrentColours.length] ?? '#2471a3', points: of((row) => (row.torrent[label] === undefined ? undefined : pick(row.torrent[label]))) }));
  const time = chart(0, 'Last client done', 'seconds', xs, [
    { name: 'rsync daemon', colour: '#c0392b', points: of((row) => row.rsync?.lastSeconds) },
    ...torrentSeries((point) => point.lastSeconds),
  ]);
  const copies = chart(width, 'Copies the server sent', 'copies of what one client needs', xs, [
    { name: 'rsync daemon', colour: '#c0392b', points: of((row) => row.rsync?.copies) },
    ...torrentSeries((point) => point.copies),
    { name: 'target: 2 copies', colour: '#7f8c8d', dashed: true, points: xs.map((x) => ({ x, y: 2 })) },
  ]);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="${height + 24}" viewBox="0 0 ${2 * width} ${height + 24}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width}" y="${height + 16}" text-anchor="middle" font-size="12" fill="#555">${escape(options.title)}</text>`,
    time,
    copies,
    '</svg>',
    '',
  ].join('\n');
};
