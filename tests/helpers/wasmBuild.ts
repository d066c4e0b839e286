import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Recompile the AssemblyScript source of a generated module (src-shared/model/wasm/<name>Wasm.ts)
 * with the asc flags its header records (scripts/build-wasm.mjs writes them), so a test can check
 * that the embedded bytes are what the current source gives.
 */
export async function recompileGenerated(generatedFile: string): Promise<{ bytes: Uint8Array | null; error: string | null; source: string }> {
  const header = readFileSync(resolve(repoRoot, generatedFile), 'utf8').split('\n').slice(0, 2);
  const source = /from (\S+\.ts)/.exec(header[0])?.[1];
  const flags = /^\/\/ asc \S+ (.*); \d+ bytes/.exec(header[1])?.[1];
  if (!source || !flags) throw new Error(`${generatedFile}: no build header`);
  const asc = (await import('assemblyscript/asc')).default;
  let bytes: Uint8Array | null = null;
  const { error, stderr } = await asc.main([source, '--baseDir', repoRoot, ...flags.split(' '), '--outFile', 'module.wasm'], {
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith('.wasm')) bytes = contents as Uint8Array;
    },
  });
  return { bytes, error: error ? `${String(error)}\n${String(stderr)}` : null, source };
}
