/**
 * In the helper's panel: files dropped on the page are offered to the peer. The page only passes the
 * dropped URIs (text/uri-list, as VS Code's Explorer and file managers provide them); the extension checks
 * them and reads the files itself, so no file bytes pass through the page.
 */
export class FileDropTarget {
  constructor(target: HTMLElement, onDrop: (uris: string[]) => void) {
    target.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('text/uri-list')) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    target.addEventListener('drop', (e) => {
      const list = e.dataTransfer?.getData('text/uri-list') ?? '';
      const uris = list
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      if (uris.length === 0) return;
      e.preventDefault();
      onDrop(uris.slice(0, 64));
    });
  }
}
