/**
 * Offline use and updates, through the service worker (src/sw.ts, registered with workbox-window).
 *
 * - "Works offline" once this page is controlled by a service worker whose precache holds every file
 *   of the app (the service worker checks its cache and answers; see 'privpix:status' in sw.ts).
 * - `updateWaiting` when a newer service worker has installed and is waiting (app/shell/UpdateBanner.svelte
 *   asks the person). `applyUpdate` tells the waiting worker to take over (SKIP_WAITING) and reloads once
 *   it controls the page.
 */
import type { Workbox } from 'workbox-window';
import type { SwMessage } from './sw-protocol';
import { network } from './network.svelte';

export type OfflineState = 'unsupported' | 'preparing' | 'ready' | 'failed';

class Offline {
  state = $state<OfflineState>('preparing');
  updateWaiting = $state(false);
  /** What the tool on screen cannot do offline yet (its model is not here), said instead of "Works offline". */
  caveat = $state('');
  detail = $state('');
  private wb: Workbox | null = null;
  private applying = false;

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
      await this.check();
    } catch (e) {
      this.state = 'failed';
      this.detail = e instanceof Error ? e.message : String(e);
    }
  }

  /** Ask the controlling service worker whether its precache is complete. */
  private async check(): Promise<void> {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return;
    const status = await new Promise<SwMessage | null>((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(null), 10_000);
      channel.port1.onmessage = (event: MessageEvent) => {
        clearTimeout(timer);
        resolve(event.data as SwMessage);
      };
      controller.postMessage({ type: 'privpix:status' }, [channel.port2]);
    });
    if (status?.type !== 'privpix:status') return;
    if (status.ready) {
      this.state = 'ready';
      this.detail = `${status.total} files kept on this device`;
    } else if (this.state !== 'ready') {
      this.state = 'preparing';
      this.detail = `${status.total - status.missing} of ${status.total} files saved`;
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
