// Viridis (van der Walt & Smith, matplotlib's default): perceptually uniform (lightness rises evenly from
// dark purple to yellow) and readable with the common colour-vision deficiencies, because it encodes the
// value in lightness, not in hue alone. Computed from the published degree-6 polynomial fit of the
// colour map (one polynomial per sRGB channel, t in [0, 1]); tests/webview/colormap.test.ts checks it
// against matplotlib's own samples and checks that lightness rises monotonically.

const COEFFICIENTS: ReadonlyArray<readonly [number, number, number]> = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Viridis at t ∈ [0, 1] (clamped; NaN counts as 0) as 8-bit sRGB. */
export function viridisRgb(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? clamp01(t) : 0;
  const out: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = COEFFICIENTS.length - 1; k >= 0; k--) v = v * x + COEFFICIENTS[k]![c]!;
    out[c] = Math.round(clamp01(v) * 255);
  }
  return out;
}

/** Viridis at t as `#rrggbb`. */
export function viridis(t: number): string {
  return '#' + viridisRgb(t).map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** A text colour that stays readable on viridis(t): dark on the bright end, light on the dark end. */
export function textOn(t: number): string {
  return t > 0.55 ? '#000000' : '#ffffff';
}

/** CIELAB lightness L* (0–100) of an 8-bit sRGB colour (D65), for the uniformity test and contrast. */
export function lightness(rgb: readonly [number, number, number]): number {
  const lin = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const y = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  const f = y > 216 / 24389 ? Math.cbrt(y) : (841 / 108) * y + 4 / 29;
  return 116 * f - 16;
}
