import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { HttpRequest } from '../http-types.js';
import { SessionStore } from './session.store.js';

/** Rejects with 401 unless the request's `sid` cookie names a live session. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionStore) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.sessions.userOf(context.switchToHttp().getRequest<HttpRequest>()) === undefined) {
      throw new UnauthorizedException('Not signed in');
    }
    return true;
  }
}
