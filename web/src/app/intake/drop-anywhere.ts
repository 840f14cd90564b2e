/**
 * Files dragged over the page and dropped anywhere on it, not only on a drop zone: a file dropped
 * beside the zone is taken too, and never makes the browser navigate away from the results. Drags
 * that carry no files (text, a link) are left to the browser.
 */

export interface DropHandlers {
  /** Files are over the page (true) or have left it (false): show or hide the overlay. */
  dragging: (over: boolean) => void;
  /** Files were dropped; read what is needed from `data` now, it is emptied after the event. */
  drop: (data: DataTransfer) => void;
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Listen on the window; returns the function that stops listening. */
export function dropAnywhere(handlers: DropHandlers): () => void {
  // dragenter and dragleave fire for every element crossed: count them to know when the files left.
  let depth = 0;
  const ondragenter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    handlers.dragging(true);
  };
  const ondragover = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const ondragleave = (): void => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) handlers.dragging(false);
  };
  const ondrop = (event: DragEvent): void => {
    if (!hasFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    depth = 0;
    handlers.dragging(false);
    handlers.drop(event.dataTransfer);
  };
  window.addEventListener('dragenter', ondragenter);
  window.addEventListener('dragover', ondragover);
  window.addEventListener('dragleave', ondragleave);
  window.addEventListener('drop', ondrop);
  return () => {
    window.removeEventListener('dragenter', ondragenter);
    window.removeEventListener('dragover', ondragover);
    window.removeEventListener('dragleave', ondragleave);
    window.removeEventListener('drop', ondrop);
  };
}
