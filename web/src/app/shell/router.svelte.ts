/** Hash routing: #/<tool>. Unknown or empty hashes go to the first tool; an alias goes to its tool under its own path. */
import { DEFAULT_ROUTE, ROUTES, type ToolRoute } from './routes';

function pathOf(hash: string): string {
  return hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
}

function parse(path: string): ToolRoute | null {
  if (path === '') return DEFAULT_ROUTE;
  return ROUTES.find((r) => r.path === path || r.aliases?.includes(path)) ?? null;
}

class Router {
  current = $state.raw<ToolRoute | null>(DEFAULT_ROUTE);
  requested = $state('');

  start(): void {
    const update = (): void => {
      this.requested = location.hash;
      const path = pathOf(location.hash);
      this.current = parse(path);
      // An empty hash or an earlier name: the address bar shows the tool's own path (no new history entry).
      if (this.current && path !== this.current.path) history.replaceState(null, '', `#/${this.current.path}`);
    };
    window.addEventListener('hashchange', update);
    update();
  }
}

export const router = new Router();
