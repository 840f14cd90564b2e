/** Hash routing: #/<tool>. Unknown or empty hashes go to the first tool. */
import { DEFAULT_ROUTE, ROUTES, type ToolRoute } from './routes';

function parse(hash: string): ToolRoute | null {
  const path = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  if (path === '') return DEFAULT_ROUTE;
  return ROUTES.find((r) => r.path === path) ?? null;
}

class Router {
  current = $state.raw<ToolRoute | null>(DEFAULT_ROUTE);
  requested = $state('');

  start(): void {
    const update = (): void => {
      this.requested = location.hash;
      this.current = parse(location.hash);
      if (location.hash === '' || location.hash === '#' || location.hash === '#/') {
        history.replaceState(null, '', `#/${DEFAULT_ROUTE.path}`);
      }
    };
    window.addEventListener('hashchange', update);
    update();
  }
}

export const router = new Router();
