/** The app's charts use the one palette in src-shared/plots/palette.ts (shared with the experiment figures and the CLI's SVG). */
export * from '../../src-shared/plots/palette.js';
