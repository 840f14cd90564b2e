/**
 * Photos handed to privpix by the system (handoff-protocol.ts): shared from another app, or opened
 * with privpix from the desktop. They arrive in a tool exactly as if the person had picked them: what
 * takes files on screen (the tool's Intake, the erase editor while a photo is open) registers itself
 * as a receiver (`receive`); the last one registered gets them, as soon as it is on screen.
 *
 * - Share: the service worker kept the files and sent this page to `./?share=<id>`; they are read
 *   from Cache Storage here, deleted there, and the address loses its query.
 * - Open with: `window.launchQueue` hands file handles over.
 *
 * They go to the tool the person chose last time for shared photos, Metadata (the first tool) until
 * they choose another; the notice (HandOff.svelte) lets them send the same photos to another tool.
 * The share's POST is listed in the privacy panel for what it is: a hand-off on this device.
 */
import { network } from '../privacy/network.svelte';
import { router } from '../shell/router.svelte';
import { DEFAULT_ROUTE, ROUTES } from '../shell/routes';
import { SHARE_CACHE, SHARE_PARAM, shareKey, type ShareRecord } from './handoff-protocol';

const CHOICE_KEY = 'privpix:handoff-tool';

export type HandOffSource = 'share' | 'open-with';

export interface HandOff {
  source: HandOffSource;
  files: File[];
  /** The tool the files went to. */
  tool: string;
}

interface LaunchParamsLike {
  files?: readonly { kind: string; getFile?: () => Promise<File> }[];
}
interface LaunchQueueLike {
  setConsumer(consumer: (params: LaunchParamsLike) => void): void;
}

/** The tool shared photos go to: the person's last choice, or the first tool. */
export function handOffTool(): string {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(CHOICE_KEY);
  } catch {
    // storage switched off: the first tool
  }
  return ROUTES.some((r) => r.path === chosen) ? chosen! : DEFAULT_ROUTE.path;
}

class HandOffs {
  /** The latest hand-off, for the notice; null once dismissed. */
  current = $state.raw<HandOff | null>(null);
  /** A share that brought no photo (e.g. only text). */
  empty = $state(false);
  private waiting: File[] | null = null;
  /** What takes files on screen, the latest last (an editor opened over an intake). */
  private receivers: ((files: File[]) => void)[] = [];

  /** Called before the router starts, so that a share opens straight in its tool. */
  start(): void {
    const params = new URLSearchParams(location.search);
    const id = params.get(SHARE_PARAM);
    if (id !== null) {
      history.replaceState(null, '', `${location.pathname}#/${handOffTool()}`);
      void this.collect(id);
    }
    const queue = (window as Window & { launchQueue?: LaunchQueueLike }).launchQueue;
    queue?.setConsumer((launch) => void this.opened(launch));
  }

  /** The tool's intake on screen takes handed-off photos (returns the unregister function). */
  receive(take: (files: File[]) => void): () => void {
    this.receivers.push(take);
    if (this.waiting) {
      const files = this.waiting;
      this.waiting = null;
      take(files);
    }
    return () => {
      this.receivers = this.receivers.filter((r) => r !== take);
    };
  }

  /** Send the photos of the current hand-off to another tool, and remember that choice. */
  sendTo(tool: string): void {
    const current = this.current;
    if (!current || !ROUTES.some((r) => r.path === tool)) return;
    try {
      localStorage.setItem(CHOICE_KEY, tool);
    } catch {
      // not remembered: this time only
    }
    this.current = { ...current, tool };
    this.handTo(tool, current.files);
  }

  dismiss(): void {
    this.current = null;
    this.empty = false;
  }

  private deliver(source: HandOffSource, files: File[]): void {
    if (!files.length) {
      this.empty = true;
      return;
    }
    const tool = handOffTool();
    this.current = { source, files, tool };
    this.handTo(tool, files);
  }

  /** Give `files` to `tool`'s intake: now if it is on screen, else when it is. */
  private handTo(tool: string, files: File[]): void {
    const receiver = this.receivers.at(-1);
    if (router.current?.path === tool && receiver) {
      receiver(files);
      return;
    }
    this.waiting = files;
    if (router.current?.path !== tool) {
      this.receivers = []; // what is on screen belongs to another tool; the next tool's registers
      location.hash = `#/${tool}`;
    }
  }

  private async collect(id: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/.test(id) || typeof caches === 'undefined') return;
    const scope = new URL('./', document.baseURI).href;
    const cache = await caches.open(SHARE_CACHE);
    const recordResponse = await cache.match(shareKey(scope, id, null));
    if (!recordResponse) return; // taken already (a reload), or too old
    const rec = (await recordResponse.json()) as ShareRecord;
    const files: File[] = [];
    for (const [i, f] of rec.files.entries()) {
      const body = await cache.match(shareKey(scope, id, i));
      if (body) files.push(new File([await body.blob()], f.name, { type: f.type, lastModified: f.lastModified }));
    }
    for (let i = 0; i < rec.files.length; i++) await cache.delete(shareKey(scope, id, i));
    await cache.delete(shareKey(scope, id, null));
    network.noteHandOff(rec);
    this.deliver('share', files);
  }

  private async opened(launch: LaunchParamsLike): Promise<void> {
    const files: File[] = [];
    for (const handle of launch.files ?? []) if (handle.kind === 'file' && handle.getFile) files.push(await handle.getFile());
    if (files.length) this.deliver('open-with', files);
  }
}

export const handoffs = new HandOffs();
