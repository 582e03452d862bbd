import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CorsPolicy } from '../../lib/index.js';
import type { HttpRequest, HttpResponse } from '../http-types.js';
import { SessionGuard } from './session.guard.js';
import { SESSION_COOKIE, SessionStore } from './session.store.js';

/**
 * The cookie session flow of the classic Express CORS guides. The origin is inherited from the
 * module's defaults: one exact origin, which is what credentials need (never `'*'`).
 */
@Controller('session')
@CorsPolicy({ credentials: true })
export class SessionController {
  constructor(private readonly sessions: SessionStore) {}

  /** Signs in. The cookie is HttpOnly (no script reads it) and SameSite=Lax (same-site requests only). */
  @Post()
  signIn(@Body() body: { user?: unknown }, @Res({ passthrough: true }) response: HttpResponse) {
    const user = typeof body?.user === 'string' && body.user !== '' ? body.user : 'guest';
    const id = this.sessions.create(user);
    response.header('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
    return { user };
  }

  @Get('me')
  @UseGuards(SessionGuard)
  me(@Req() request: HttpRequest) {
    return { user: this.sessions.userOf(request) };
  }

  /** Signs out. A cross-origin DELETE is always preflighted. */
  @Delete()
  @HttpCode(204)
  signOut(@Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse) {
    this.sessions.end(request);
    response.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
}
