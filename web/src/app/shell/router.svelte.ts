/** Hash routing: #/<tool>. Unknown or empty hashes go to the first tool; a tool's earlier path (alias) to that tool. */
import { DEFAULT_ROUTE, ROUTES, type ToolRoute } from './routes';

const pathOf = (hash: string): string => hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';

function parse(hash: string): ToolRoute | null {
  const path = pathOf(hash);
  if (path === '') return DEFAULT_ROUTE;
  return ROUTES.find((r) => r.path === path || r.aliases?.includes(path)) ?? null;
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
      } else if (this.current?.aliases?.includes(pathOf(location.hash))) {
        history.replaceState(null, '', `#/${this.current.path}`); // a bookmark of an earlier path: show the tool's own
      }
    };
    window.addEventListener('hashchange', update);
    update();
  }
}

export const router = new Router();
