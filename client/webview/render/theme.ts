// Concrete colours and fonts for the SVG figures, read from the page's CSS variables (style.css maps the
// VS Code theme variables onto --ptx-*, with light/dark fallbacks for the standalone report). Figures get
// literal colours, so an exported SVG or PNG looks the same outside the editor.

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  grid: string;
  accent: string;
  fontFamily: string;
  monoFamily: string;
  /** Colours for curve series (colour-blind-safe categorical palette, adjusted to the background). */
  series: string[];
  dark: boolean;
}

/** Okabe & Ito's palette (distinguishable with every common colour-vision deficiency), black last. */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

/** Relative luminance of a CSS colour in #rgb/#rrggbb/rgb() form (0 when unparseable). */
export function luminance(css: string): number {
  const c = parseColour(css);
  if (!c) return 0;
  const lin = c.map((v) => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
}

export function parseColour(css: string): [number, number, number] | null {
  const s = css.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]!].map((h) => parseInt(h + h, 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (m) return [0, 2, 4].map((o) => parseInt(m![1]!.slice(o, o + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** The theme from CSS custom properties (any object with getPropertyValue, e.g. getComputedStyle(root)). */
export function readTheme(style: { getPropertyValue(name: string): string }): Theme {
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const background = v('--ptx-bg', '#ffffff');
  const dark = luminance(background) < 0.2;
  return {
    background,
    foreground: v('--ptx-fg', dark ? '#cccccc' : '#1f1f1f'),
    muted: v('--ptx-muted', dark ? '#9d9d9d' : '#616161'),
    border: v('--ptx-border', dark ? '#454545' : '#d4d4d4'),
    grid: v('--ptx-grid', dark ? '#333333' : '#e8e8e8'),
    accent: v('--ptx-accent', dark ? '#4daafc' : '#005fb8'),
    fontFamily: v('--ptx-font', 'system-ui, sans-serif'),
    monoFamily: v('--ptx-mono', 'ui-monospace, monospace'),
    // On a dark background the darkest blue is hard to see; lead with the lighter sky blue there.
    series: dark ? ['#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#F0E442', '#D55E00', '#0072B2'] : OKABE_ITO,
    dark,
  };
}
