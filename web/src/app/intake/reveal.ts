/**
 * Right after files arrive (chosen, dropped or pasted), bring the newest result into view: the first
 * element marked `data-reveal="<key>"` (the file on screen, or the file's row), unless its top is on
 * screen already. On a phone the results sit below the intake, so without this a person who chose a
 * photo would see nothing happen.
 */
import { tick } from 'svelte';
import { reducedMotion } from '../shell/media.svelte';

export async function reveal(key: string | number): Promise<void> {
  await tick();
  const el = document.querySelector<HTMLElement>(`[data-reveal="${CSS.escape(String(key))}"]`);
  if (!el) return;
  const r = el.getBoundingClientRect();
  const room = Math.min(r.height, 160); // enough of it to see what it is
  if (r.top >= 0 && r.top + room <= window.innerHeight) return;
  el.scrollIntoView({ block: r.height + 16 > window.innerHeight ? 'start' : 'nearest', behavior: reducedMotion.current ? 'auto' : 'smooth' });
}
