import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { HttpRequest } from '../http-types.js';

/** The token the demo sends. A real app would verify a signed token instead. */
export const DEMO_BEARER_TOKEN = 'demo-token';

/** Rejects with 401 unless `Authorization: Bearer demo-token`. Preflights never reach it. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (request.headers.authorization !== `Bearer ${DEMO_BEARER_TOKEN}`) {
      throw new UnauthorizedException('A valid bearer token is required');
    }
    return true;
  }
}
