// The `cors` package (what app.enableCors() uses on Express), called directly with plain objects.
import cors from 'cors';
import { PlainResponse } from './fixtures.mjs';

const next = () => {};

/** Returns decide(req) -> response, with the same settings as the module's policy. */
export function corsEngine(origins) {
  const middleware = cors({
    origin: origins,
    credentials: true,
    exposedHeaders: ['x-request-id'],
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
  return (req) => {
    const res = new PlainResponse();
    middleware(req, res, next);
    return res;
  };
}
