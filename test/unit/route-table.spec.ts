import {
  type RegisteredRoute,
  type RouteMatching,
  RouteTable,
} from '../../lib/routing/route-table.js';

/** Express's defaults: case-sensitive here, strict about trailing slashes, first match wins. */
const ORDERED: RouteMatching = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  orderSensitive: true,
};
/** Fastify-like: static paths are preferred over parametric ones, whatever the order. */
const UNORDERED: RouteMatching = { ...ORDERED, orderSensitive: false };

type Route = [method: string, path: string, target: string];

function table(routes: Route[], matching: RouteMatching = ORDERED): RouteTable<string> {
  return new RouteTable<string>(
    routes.map(([method, path, target]): RegisteredRoute<string> => ({ method, path, target })),
    matching,
  );
}

/** The targets a request `method pathname` reaches, or `null` when no route matches the path. */
function reach(routes: RouteTable<string>, method: string, pathname: string) {
  const found = routes.lookup(pathname);
  return found === undefined ? null : found.forMethod(method);
}

describe('RouteTable', () => {
  describe('static paths', () => {
    const routes = table([
      ['GET', '/items', 'list'],
      ['POST', '/items', 'create'],
      ['GET', '/', 'home'],
    ]);

    it('finds the target of each method', () => {
      expect(reach(routes, 'GET', '/items')).toEqual(['list']);
      expect(reach(routes, 'POST', '/items')).toEqual(['create']);
      expect(reach(routes, 'GET', '/')).toEqual(['home']);
    });

    it('knows a routed path with no route for the method', () => {
      expect(routes.lookup('/items')).toBeDefined();
      expect(reach(routes, 'DELETE', '/items')).toBeUndefined();
    });

    it('returns undefined for a path no route matches', () => {
      expect(routes.lookup('/nothing')).toBeUndefined();
      expect(routes.lookup('/items/1')).toBeUndefined();
      expect(routes.lookup('/item')).toBeUndefined();
    });

    it('returns undefined for any path of an empty table', () => {
      expect(table([]).lookup('/')).toBeUndefined();
    });
  });

  describe('parametric paths', () => {
    const routes = table([
      ['GET', '/items/:id', 'show'],
      ['PUT', '/items/:id', 'update'],
      ['GET', '/users/:userId/posts/:postId', 'post'],
      ['GET', '/files/*path', 'file'],
      ['GET', '/docs{/:lang}', 'docs'],
    ]);

    it('matches one segment per parameter', () => {
      expect(reach(routes, 'GET', '/items/42')).toEqual(['show']);
      expect(reach(routes, 'PUT', '/items/42')).toEqual(['update']);
      expect(reach(routes, 'GET', '/users/1/posts/2')).toEqual(['post']);
      expect(routes.lookup('/items')).toBeUndefined();
      expect(routes.lookup('/items/42/extra')).toBeUndefined();
      expect(routes.lookup('/users/1/posts')).toBeUndefined();
    });

    it('matches a wildcard over several segments', () => {
      expect(reach(routes, 'GET', '/files/a/b/c.txt')).toEqual(['file']);
      expect(routes.lookup('/files')).toBeUndefined();
    });

    it('matches an optional segment with and without it', () => {
      expect(reach(routes, 'GET', '/docs')).toEqual(['docs']);
      expect(reach(routes, 'GET', '/docs/en')).toEqual(['docs']);
    });

    it('knows a routed path with no route for the method', () => {
      expect(reach(routes, 'DELETE', '/items/42')).toBeUndefined();
    });
  });

  describe('HEAD', () => {
    it('is served by the GET route', () => {
      const routes = table([
        ['GET', '/items', 'list'],
        ['GET', '/items/:id', 'show'],
      ]);
      expect(reach(routes, 'HEAD', '/items')).toEqual(['list']);
      expect(reach(routes, 'HEAD', '/items/1')).toEqual(['show']);
    });

    it('is served by a HEAD route of its own when there is one', () => {
      const routes = table([
        ['GET', '/items', 'list'],
        ['HEAD', '/items', 'probe'],
      ]);
      expect(reach(routes, 'HEAD', '/items')).toEqual(['probe']);
    });

    it('is not served where there is no GET route', () => {
      expect(reach(table([['POST', '/items', 'create']]), 'HEAD', '/items')).toBeUndefined();
    });
  });

  describe('ALL routes', () => {
    it('serve every method, on static and parametric paths', () => {
      const routes = table([
        ['ALL', '/any', 'any'],
        ['ALL', '/any/:id', 'anyOne'],
      ]);
      for (const method of ['GET', 'POST', 'DELETE', 'PATCH', 'PURGE']) {
        expect(reach(routes, method, '/any')).toEqual(['any']);
        expect(reach(routes, method, '/any/1')).toEqual(['anyOne']);
      }
    });

    it('serve HEAD', () => {
      expect(reach(table([['ALL', '/any', 'any']]), 'HEAD', '/any')).toEqual(['any']);
    });
  });

  describe('case sensitivity', () => {
    const routes: Route[] = [
      ['GET', '/Items', 'list'],
      ['GET', '/Items/:id', 'show'],
    ];

    it('is honoured when case-sensitive', () => {
      const sensitive = table(routes, { ...ORDERED, caseSensitive: true });
      expect(reach(sensitive, 'GET', '/Items')).toEqual(['list']);
      expect(reach(sensitive, 'GET', '/Items/1')).toEqual(['show']);
      expect(sensitive.lookup('/items')).toBeUndefined();
      expect(sensitive.lookup('/ITEMS')).toBeUndefined();
      expect(sensitive.lookup('/items/1')).toBeUndefined();
    });

    it('is ignored when case-insensitive', () => {
      const insensitive = table(routes, { ...ORDERED, caseSensitive: false });
      expect(reach(insensitive, 'GET', '/items')).toEqual(['list']);
      expect(reach(insensitive, 'GET', '/ITEMS')).toEqual(['list']);
      expect(reach(insensitive, 'GET', '/iTeMs/1')).toEqual(['show']);
    });
  });

  describe('trailing slash', () => {
    const routes: Route[] = [
      ['GET', '/items', 'list'],
      ['GET', '/items/:id', 'show'],
      ['GET', '/', 'home'],
    ];

    it('matters when not ignored', () => {
      const strict = table(routes, { ...ORDERED, ignoreTrailingSlash: false });
      expect(strict.lookup('/items/')).toBeUndefined();
      expect(strict.lookup('/items/1/')).toBeUndefined();
      expect(reach(strict, 'GET', '/')).toEqual(['home']);
    });

    it('is ignored when told to', () => {
      const lenient = table(routes, { ...ORDERED, ignoreTrailingSlash: true });
      expect(reach(lenient, 'GET', '/items/')).toEqual(['list']);
      expect(reach(lenient, 'GET', '/items')).toEqual(['list']);
      expect(reach(lenient, 'GET', '/items/1/')).toEqual(['show']);
      expect(reach(lenient, 'GET', '/')).toEqual(['home']);
    });

    it('is ignored on the route side too', () => {
      const lenient = table([['GET', '/items/', 'list']], {
        ...ORDERED,
        ignoreTrailingSlash: true,
      });
      expect(reach(lenient, 'GET', '/items')).toEqual(['list']);
    });
  });

  describe('order-sensitive (Express)', () => {
    it('serves the first registered match: a parametric route shadows a later static one', () => {
      const routes = table([
        ['GET', '/items/:id', 'show'],
        ['GET', '/items/new', 'form'],
      ]);
      expect(reach(routes, 'GET', '/items/new')).toEqual(['show']);
      expect(reach(routes, 'GET', '/items/7')).toEqual(['show']);
    });

    it('serves a static route registered before a parametric one', () => {
      const routes = table([
        ['GET', '/items/new', 'form'],
        ['GET', '/items/:id', 'show'],
      ]);
      expect(reach(routes, 'GET', '/items/new')).toEqual(['form']);
      expect(reach(routes, 'GET', '/items/7')).toEqual(['show']);
    });

    it('skips an earlier route that does not serve the method', () => {
      const routes = table([
        ['GET', '/items/:id', 'show'],
        ['POST', '/items/new', 'create'],
      ]);
      expect(reach(routes, 'POST', '/items/new')).toEqual(['create']);
      expect(reach(routes, 'GET', '/items/new')).toEqual(['show']);
    });

    it('serves the first of two parametric routes', () => {
      const routes = table([
        ['GET', '/:a/items', 'first'],
        ['GET', '/shop/:b', 'second'],
      ]);
      expect(reach(routes, 'GET', '/shop/items')).toEqual(['first']);
    });

    // Express serves `PUT /items/bulk` from 'bulk': the GET route at '/items/:id' does not handle
    // PUT, and 'bulk' is registered before `PUT /items/:id`.
    it('keeps the registration order of routes, not of paths', () => {
      const routes = table([
        ['GET', '/items/:id', 'show'],
        ['PUT', '/items/bulk', 'bulk'],
        ['PUT', '/items/:id', 'update'],
      ]);
      expect(reach(routes, 'PUT', '/items/bulk')).toEqual(['bulk']);
    });

    // Express serves whichever route was registered first (`@All()` before `@Get()`).
    it('serves an ALL route registered before a GET route at the same path', () => {
      const routes = table([
        ['ALL', '/items', 'any'],
        ['GET', '/items', 'list'],
      ]);
      expect(reach(routes, 'GET', '/items')).toEqual(['any']);
    });
  });

  describe('not order-sensitive (Fastify)', () => {
    it('prefers a static route to a parametric one registered before it', () => {
      const routes = table(
        [
          ['GET', '/items/:id', 'show'],
          ['GET', '/items/new', 'form'],
        ],
        UNORDERED,
      );
      expect(reach(routes, 'GET', '/items/new')).toEqual(['form']);
      expect(reach(routes, 'GET', '/items/7')).toEqual(['show']);
    });

    it('falls back to the parametric route for a method the static path does not serve', () => {
      const routes = table(
        [
          ['PUT', '/items/:id', 'update'],
          ['GET', '/items/new', 'form'],
        ],
        UNORDERED,
      );
      expect(reach(routes, 'PUT', '/items/new')).toEqual(['update']);
    });

    it('prefers a parametric route to a wildcard registered before it', () => {
      const routes = table(
        [
          ['GET', '/files/*path', 'any'],
          ['GET', '/files/:name', 'one'],
        ],
        UNORDERED,
      );
      expect(reach(routes, 'GET', '/files/readme')).toEqual(['one']);
      expect(reach(routes, 'GET', '/files/a/b')).toEqual(['any']);
    });
  });

  describe('several targets for one method and path', () => {
    it('keeps them all, in order (e.g. one per version)', () => {
      const routes = table([
        ['GET', '/items', 'v1.list'],
        ['GET', '/items', 'v2.list'],
        ['GET', '/items/:id', 'v1.show'],
        ['GET', '/items/:id', 'v2.show'],
      ]);
      expect(reach(routes, 'GET', '/items')).toEqual(['v1.list', 'v2.list']);
      expect(reach(routes, 'GET', '/items/1')).toEqual(['v1.show', 'v2.show']);
    });

    it('lists a target registered twice once', () => {
      const routes = table([
        ['GET', '/items', 'list'],
        ['GET', '/items', 'list'],
      ]);
      expect(reach(routes, 'GET', '/items')).toEqual(['list']);
    });
  });

  describe('paths path-to-regexp cannot read', () => {
    it.each(['/legacy/(.*)', '/files/*'])('do not throw, and match nothing: %j', (path) => {
      let routes: RouteTable<string> | undefined;
      expect(() => {
        routes = table([
          ['GET', path, 'unreadable'],
          ['GET', '/ok', 'ok'],
          ['GET', '/ok/:id', 'okOne'],
        ]);
      }).not.toThrow();
      expect(routes!.lookup(path.replace(/[(*].*$/, 'x'))).toBeUndefined();
      expect(reach(routes!, 'GET', '/ok')).toEqual(['ok']);
      expect(reach(routes!, 'GET', '/ok/1')).toEqual(['okOne']);
    });
  });
});
