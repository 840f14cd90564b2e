/**
 * Offline use and updates, through the service worker (src/sw.ts, registered with workbox-window).
 *
 * - The shell is saved when the service worker installs; until then "Saving offline…".
 * - Each tool's files are saved the first time the tool is opened (`use`), or all at once when the
 *   person asks (`keepAll`, which also downloads the default background model if none is here).
 * - Which tools work offline is read from the service worker (what its caches hold) and, for a tool
 *   that needs a model, from the model cache: the header says only what is true.
 * - "Update available — reload" when a newer service worker has installed and is waiting. Clicking it
 *   tells the waiting worker to take over (SKIP_WAITING) and reloads once it controls the page.
 */
import type { Workbox } from 'workbox-window';
import type { OfflineStatus, PageMessage, SwMessage, ToolOffline } from './sw-protocol';
import { network } from './network.svelte';
import { router } from '../shell/router.svelte';
import { ROUTES, type ToolRoute } from '../shell/routes';
import { DEFAULT_MODEL, MODELS, modelUrl } from '../../engine/tools/remove-bg/catalog';
import { isStored } from '../../engine/tools/remove-bg/store';

/** 'checking' until the service worker has answered (nothing is shown meanwhile). */
export type OfflineState = 'checking' | 'unsupported' | 'preparing' | 'ready' | 'failed';

export interface ToolReadiness {
  route: ToolRoute;
  /** Every file of the tool is on this device (and, for a tool that needs one, a model). */
  ready: boolean;
  /** Bytes of the tool's own files still to save (shared files counted in each tool that uses them). */
  missingBytes: number;
  /** The tool needs a model and none is on this device. */
  modelMissing: boolean;
}

function ask(controller: ServiceWorker, message: PageMessage, onmessage: (m: SwMessage) => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(), timeoutMs);
    channel.port1.onmessage = (event: MessageEvent) => {
      if (onmessage(event.data as SwMessage)) {
        clearTimeout(timer);
        resolve();
      }
    };
    controller.postMessage(message, [channel.port2]);
  });
}

class Offline {
  state = $state<OfflineState>('checking');
  updateWaiting = $state(false);
  detail = $state('');
  /** By tool id, as the service worker last reported. */
  tools = $state.raw<Record<string, ToolOffline>>({});
  /** Whether some background-removal model is on this device (null: not known yet). */
  modelStored = $state<boolean | null>(null);
  /** Bytes saved of bytes to save, while tools are being saved. */
  saving = $state<{ done: number; total: number } | null>(null);
  /** Saving the person asked for ("every tool") is running. */
  keepingAll = $state(false);
  keepError = $state('');
  /** The model download "every tool" started: the remove-bg tool's own (its progress and errors). */
  modelDownload = $state.raw<{ download: { received: number; total: number } | null; downloadError: string } | null>(null);
  /** Bytes still to save for every tool to work offline (shared files once), without the model. */
  missingBytes = $state(0);
  private wb: Workbox | null = null;
  private used = new Set<string>();
  private applying = false;

  /** Every tool with whether it works offline now. */
  get readiness(): ToolReadiness[] {
    return ROUTES.map((route) => {
      const files = this.tools[route.path];
      const modelMissing = route.needsModel === true && this.modelStored !== true;
      const missingBytes = files?.missingBytes ?? 0;
      return { route, ready: this.state === 'ready' && missingBytes === 0 && !modelMissing, missingBytes, modelMissing };
    });
  }

  async start(): Promise<void> {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) {
      this.state = 'unsupported';
      return;
    }
    const { Workbox } = await import('workbox-window');
    const swUrl = new URL('./sw.js', document.baseURI).href;
    const wb = new Workbox(swUrl, { scope: './' });
    this.wb = wb;
    wb.addEventListener('waiting', () => {
      this.updateWaiting = true;
    });
    wb.addEventListener('controlling', () => void this.check());
    wb.addEventListener('activated', () => void this.check());
    navigator.serviceWorker.addEventListener('controllerchange', () => void this.check());
    try {
      network.noteBrowserRequest(swUrl, 'browser (service worker install/update check)');
      await wb.register();
      if (!navigator.serviceWorker.controller) this.state = 'preparing'; // the first visit: installing
      await this.check();
    } catch (e) {
      this.state = 'failed';
      this.detail = e instanceof Error ? e.message : String(e);
      return;
    }
    // The tool on screen is being used: keep its files (and every tool opened later).
    $effect.root(() => {
      $effect(() => {
        const route = router.current;
        if (route) void this.use(route.path);
      });
    });
  }

  /** Ask the controlling service worker what it holds. */
  async check(): Promise<void> {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return;
    await ask(controller, { type: 'privpix:status' }, (m) => {
      if (m.type !== 'privpix:status') return false;
      this.apply(m);
      return true;
    }, 10_000);
    await this.checkModel();
  }

  async checkModel(): Promise<void> {
    const base = document.baseURI;
    const found = await Promise.all(Object.values(MODELS).map((m) => isStored({ url: modelUrl(m, base), size: m.size, sha256: m.sha256 }).catch(() => false)));
    this.modelStored = found.some(Boolean);
  }

  private apply(status: OfflineStatus): void {
    this.tools = status.tools;
    this.missingBytes = status.missingToolBytes;
    if (status.ready) {
      this.state = 'ready';
    } else if (this.state !== 'ready') {
      this.state = 'preparing';
      this.detail = `${status.total - status.missing} of ${status.total} files saved`;
    }
  }

  /** Save one tool's files, quietly (the tool was opened). */
  async use(tool: string): Promise<void> {
    if (this.used.has(tool)) return;
    this.used.add(tool);
    await this.keep([tool]);
  }

  private async keep(tools: string[]): Promise<void> {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (!worker) return;
    this.keepError = '';
    await ask(worker, { type: 'privpix:keep', tools }, (m) => {
      if (m.type === 'privpix:keep-progress') {
        this.saving = m.total > 0 && m.done < m.total ? { done: m.done, total: m.total } : null;
        return false;
      }
      if (m.type !== 'privpix:kept') return false;
      this.saving = null;
      this.apply(m.status);
      if (m.error) this.keepError = m.error;
      return true;
    }, 30 * 60_000);
  }

  /** "Make every tool available offline": every tool's files, and the default model if none is here. */
  async keepAll(): Promise<void> {
    if (this.keepingAll) return;
    this.keepingAll = true;
    try {
      await this.keep(ROUTES.map((r) => r.path));
      if (!this.modelStored && ROUTES.some((r) => r.needsModel)) {
        const { bgStore } = await import('../../tools/remove-bg/store.svelte');
        const store = bgStore();
        this.modelDownload = store;
        await store.downloadModel(DEFAULT_MODEL);
        await this.checkModel();
        if (store.downloadError) this.keepError = store.downloadError;
      }
    } finally {
      this.keepingAll = false;
      this.modelDownload = null;
    }
  }

  /** Let the waiting service worker take over, then reload into the new version. */
  applyUpdate(): void {
    const wb = this.wb;
    if (!wb || this.applying) return;
    this.applying = true;
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  }
}

export const offline = new Offline();
