/** Side of the square tiles {@link transposeTiles} copies through (elements). */
const TILE = 32;

/**
 * Writes `target[to + c·colOut + r] = source[from + r·rowIn + c]` for r < rows, c < cols in
 * TILE×TILE tiles: a 2-D transpose between the input's innermost axis (c) and the output's (r).
 */
export function transposeTiles(source: Float32Array | Int32Array, target: Float32Array | Int32Array, from: number, to: number, rows: number, cols: number, rowIn: number, colOut: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let c = c0; c < c1; c++) {
        const o = to + c * colOut;
        const i = from + c;
        for (let r = r0; r < r1; r++) target[o + r] = source[i + r * rowIn];
      }
    }
  }
}
