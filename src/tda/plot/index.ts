// SVG plots of diagrams, barcodes and curves: the package entry `streaming-tda/plot`.
export { plotDiagram, type DiagramPlotOptions } from "./diagram.ts";
export { plotBarcode, type BarcodePlotOptions } from "./barcode.ts";
export { plotBettiCurves, plotLandscape, type BettiPlotOptions, type LandscapePlotOptions } from "./curves.ts";
