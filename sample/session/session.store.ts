import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '../http-types.js';

export const SESSION_COOKIE = 'sid';

/** In-memory sessions keyed by the id in the `sid` cookie. */
@Injectable()
export class SessionStore {
  private readonly users = new Map<string, string>();

  create(user: string): string {
    const id = randomUUID();
    this.users.set(id, user);
    return id;
  }

  /** The signed-in user of a request, if its `sid` cookie names a live session. */
  userOf(request: HttpRequest): string | undefined {
    const id = sessionIdOf(request);
    return id === undefined ? undefined : this.users.get(id);
  }

  end(request: HttpRequest): void {
    const id = sessionIdOf(request);
    if (id !== undefined) this.users.delete(id);
  }
}

function sessionIdOf(request: HttpRequest): string | undefined {
  const cookie = request.headers.cookie;
  if (typeof cookie !== 'string') return undefined;
  for (const pair of cookie.split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
