/**
 * The file name GainLab proposes for a project (save dialogs, downloads): the project's name,
 * readable and safe on every file system. "Example: SOC network (N = 200) and generated movements"
 * becomes "Example SOC network N=200 and generated movements", not
 * "Example_ SOC network (N = 200) and generated movements": punctuation that separates words is
 * dropped rather than replaced, "N = 200" is tightened to "N=200", and what no file system accepts
 * (/ \ : * ? " < > |, control characters, trailing dots, Windows device names) never appears.
 */

/** Characters some file system refuses in a name (Windows is the strictest), and brackets we drop for readability. */
const REFUSED = /[\\/:*?"<>|\u0000-\u001f\u007f()[\]{}]+/g;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
/** Longest stem proposed (most file systems allow 255 bytes; leave room for the extension and a copy suffix). */
const MAX_STEM = 100;

export function projectFileStem(name: string): string {
  let stem = name
    .normalize('NFC')
    .replace(REFUSED, ' ')
    // "N = 200" → "N=200", "σ = 0.001" → "σ=0.001": an equation reads as one token in a file name
    .replace(/\s*=\s*/g, '=')
    .replace(/\s+/g, ' ')
    .trim()
    // a name ending in dots or spaces is refused or silently changed on Windows
    .replace(/[. ]+$/, '')
    .replace(/^[. ]+/, '');
  if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM).replace(/[. ]+$/, '');
  if (!stem || WINDOWS_DEVICES.test(stem)) return stem ? `${stem} project` : 'Untitled';
  return stem;
}
