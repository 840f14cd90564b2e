/**
 * Work on this page that a reload would lose: each tool registers how many files it holds (queued,
 * running or finished). The update prompt reads it, so an update never discards a person's batch
 * without asking (app/shell/UpdateBanner.svelte).
 */
import { SvelteMap } from 'svelte/reactivity';

const counters = new SvelteMap<string, () => number>();

/** Count `tool`'s files with `count` (a reactive read of the tool's store). */
export function registerWork(tool: string, count: () => number): void {
  counters.set(tool, count);
}

/** Files on this page, over every tool opened since it loaded. */
export function unsavedWork(): number {
  let n = 0;
  for (const count of counters.values()) n += count();
  return n;
}
