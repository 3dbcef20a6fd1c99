// Number formatting shared by the table and the report.

/** Bytes as MiB with one decimal. */
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** A count in millions with two decimals (parameters). */
export const millions = (n: number): string => (n / 1e6).toFixed(2);

/** Three significant figures, no exponent for everyday magnitudes. */
export const sig = (x: number): string =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);

/** Fraction as a percentage with one decimal. */
export const percent = (f: number): string => `${(f * 100).toFixed(1)}%`;
