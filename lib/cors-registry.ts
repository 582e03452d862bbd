import type { Type } from '@nestjs/common';
import type { EffectivePolicy } from './policy/compile-policy.js';
import type { PathRoutes, RouteTable } from './routing/route-table.js';

/** The handler a route leads to, with its effective policy. */
export interface RouteTarget {
  /** `Controller.method`, for diagnostics. */
  readonly name: string;
  readonly policy: EffectivePolicy;
}

/**
 * The result of startup: each handler's compiled policy, and the table of routes the pre-routing
 * hook uses to find a request's handler before Nest routes it.
 */
export class CorsRegistry {
  private readonly byController = new Map<Type | Function, Map<Function, RouteTarget>>();
  private table: RouteTable<RouteTarget> | undefined;

  add(controller: Type, handler: Function, target: RouteTarget): void {
    let handlers = this.byController.get(controller);
    if (!handlers) this.byController.set(controller, (handlers = new Map()));
    handlers.set(handler, target);
  }

  /** The handler's target, as the interceptor sees it (`context.getClass()`, `getHandler()`). */
  targetOf(controller: Type | Function, handler: Function): RouteTarget | undefined {
    return this.byController.get(controller)?.get(handler);
  }

  setRouteTable(table: RouteTable<RouteTarget>): void {
    this.table = table;
  }

  /** The routes that serve a request path; `undefined` before startup ends or when none does. */
  routesOf(pathname: string): PathRoutes<RouteTarget> | undefined {
    return this.table?.lookup(pathname);
  }
}
