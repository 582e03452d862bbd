import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { from, type Observable, switchMap } from 'rxjs';
import { CorsRegistry } from './cors-registry.js';
import { CorsResponder } from './cors-responder.js';

/**
 * Bound globally by `CorsModule` only when some path alone cannot tell its handler (see
 * `nest/interceptor-need.ts`). The pre-routing hook already wrote the headers of every request
 * it could place; this applies the exact handler's policy where it could not (host or header
 * versioning split a path), and keeps `Vary` whole after a handler's own `@Header('Vary')`.
 */
@Injectable()
export class CorsInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: CorsRegistry,
    private readonly responder: CorsResponder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const target = this.registry.targetOf(context.getClass(), context.getHandler());
    if (!target) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    if (this.responder.appliedPolicy(request) === target.policy) {
      this.responder.keepVary(target.policy, response);
      return next.handle();
    }
    const applied = this.responder.applyActual(target, request, response);
    return applied ? from(applied).pipe(switchMap(() => next.handle())) : next.handle();
  }
}
