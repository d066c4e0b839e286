/**
 * Where the CLI's worker threads start from: src-cli/gainlab.ts sets its own import.meta.url here
 * (in the single-file bundle gainlab.mjs that is the bundle). Kept free of imports so the entry
 * stays light for every other command.
 */
let cliEntry: string | null = null;

export function setCliEntry(url: string): void {
  cliEntry = url;
}

export function getCliEntry(): string | null {
  return cliEntry;
}
