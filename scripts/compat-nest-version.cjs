/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS setup file */
// Jest setup file of the compatibility matrix (scripts/compat.mjs): fails the run when the
// e2e suite did not load the NestJS major it claims to test (a module mapping that missed).
const expected = process.env.COMPAT_NEST_MAJOR;
const { version } = require('@nestjs/core/package.json');
if (expected && !version.startsWith(`${expected}.`)) {
  throw new Error(`expected @nestjs/core ${expected}.x, loaded ${version}`);
}
