/** Where the benchmark scene draws its tick number, shared by the scene (Node) and the viewer page (browser). */
export interface MarkerSpec {
  /** Top-left of the strip in screen pixels, the size of one square cell and the number of cells (bits). */
  readonly x: number;
  readonly y: number;
  readonly cell: number;
  readonly bits: number;
}

export const MARKER: MarkerSpec = { x: 16, y: 16, cell: 24, bits: 12 };
