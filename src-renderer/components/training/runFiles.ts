/**
 * Files in the browser: a download of bytes or text. (Run recipes as .zip: src-shared/runs/recipeArchive.ts.)
 */
export function downloadBytes(fileName: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}
