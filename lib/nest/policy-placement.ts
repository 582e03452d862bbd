import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CORS_POLICY_METADATA } from '../cors.constants.js';
import type { CorsConfigurationIssue } from '../policy/configuration-issue.js';
import { GATEWAY_METADATA } from './gateway-origin.js';
import { isRouteHandler } from './route-metadata.js';

/**
 * Metadata keys other Nest packages set, read to say what a misplaced `@CorsPolicy()` sits on.
 * Written out, since neither package is a dependency: `@nestjs/graphql`'s `@Resolver()` and
 * `@nestjs/websockets`' `@WebSocketGateway()`.
 */
const GRAPHQL_RESOLVER_METADATA = ['graphql:resolver_type', 'graphql:resolver_name'];

/**
 * Every `@CorsPolicy()` that can never apply: on a provider (a GraphQL resolver, a service), on
 * a method of a WebSocket gateway (its policy is the class's, checked at each handshake), or on
 * a controller method that is no route handler. Each is an issue
 * naming the class and method, so that no policy is silently ignored.
 */
export function misplacedPolicies(
  discovery: DiscoveryService,
  metadataScanner: MetadataScanner,
): CorsConfigurationIssue[] {
  const issues: CorsConfigurationIssue[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = classOf(wrapper.metatype);
    if (!controller) continue;
    for (const methodName of metadataScanner.getAllMethodNames(controller.prototype)) {
      const method = controller.prototype[methodName] as Function;
      if (hasPolicy(method) && !isRouteHandler(method)) {
        issues.push(
          misplaced(
            `${controller.name}.${methodName}`,
            method,
            'a controller method that is not a route handler (no @Get(), @Post(), ...)',
          ),
        );
      }
    }
  }
  const seen = new Set<Function>();
  for (const wrapper of discovery.getProviders()) {
    const provider = classOf(wrapper.metatype);
    if (!provider || seen.has(provider)) continue;
    seen.add(provider);
    const what = describeProvider(provider);
    const gateway = Reflect.hasMetadata(GATEWAY_METADATA, provider);
    if (hasPolicy(provider) && !gateway) issues.push(misplaced(provider.name, provider, what));
    for (const methodName of metadataScanner.getAllMethodNames(provider.prototype)) {
      const method = provider.prototype[methodName] as Function;
      if (hasPolicy(method)) issues.push(misplaced(`${provider.name}.${methodName}`, method, what));
    }
  }
  return issues;
}

function describeProvider(provider: Function): string {
  if (GRAPHQL_RESOLVER_METADATA.some((key) => Reflect.hasMetadata(key, provider))) {
    return 'a GraphQL resolver: every operation arrives through the one GraphQL HTTP route, so CORS is a matter of that path; set its policy on the path (see the README, "GraphQL, static files and WebSockets"), not on the resolver';
  }
  if (Reflect.hasMetadata(GATEWAY_METADATA, provider)) {
    return 'a method of a WebSocket gateway: the Origin is checked once, at the handshake, against the policy on the gateway class; put it there';
  }
  return 'a provider, which answers no HTTP route; put it on a controller or one of its route handlers';
}

function misplaced(path: string, target: Function, what: string): CorsConfigurationIssue {
  return {
    path,
    code: 'policy-on-non-route',
    message: `@CorsPolicy() is on ${what}. It would never apply.`,
    value: Reflect.getOwnMetadata(CORS_POLICY_METADATA, target),
  };
}

function hasPolicy(target: Function | undefined): boolean {
  return typeof target === 'function' && Reflect.hasOwnMetadata(CORS_POLICY_METADATA, target);
}

function classOf(metatype: unknown): (Function & { prototype: any }) | undefined {
  return typeof metatype === 'function' && metatype.prototype ? metatype : undefined;
}
