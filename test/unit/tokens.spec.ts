import {
  FORBIDDEN_METHODS,
  MAX_REQUEST_HEADERS_LENGTH,
  isToken,
  parseRequestHeaders,
} from '../../lib/policy/tokens.js';

describe('isToken', () => {
  it.each(['GET', 'patch', 'x-custom', 'Content-Type', 'X_Weird.Name~1', "!#$%&'*+-.^_`|~"])(
    'accepts %j',
    (value) => {
      expect(isToken(value)).toBe(true);
    },
  );

  it.each([
    '',
    ' ',
    'GET ',
    ' GET',
    'x custom',
    'a:b',
    'a,b',
    'a;b',
    '(a)',
    'a/b',
    'a"b',
    'a\n',
    'a\r\nb',
    'é',
    'a\u0000',
  ])('refuses %j', (value) => {
    expect(isToken(value)).toBe(false);
  });
});

describe('FORBIDDEN_METHODS', () => {
  it('holds CONNECT, TRACE and TRACK, upper-case', () => {
    expect([...FORBIDDEN_METHODS].sort()).toEqual(['CONNECT', 'TRACE', 'TRACK']);
  });
});

describe('parseRequestHeaders', () => {
  it('lower-cases each name', () => {
    expect(parseRequestHeaders('X-Custom,Content-Type')).toEqual(['x-custom', 'content-type']);
  });

  it('trims white space around items', () => {
    expect(parseRequestHeaders('  x-a ,\tx-b\t,x-c  ')).toEqual(['x-a', 'x-b', 'x-c']);
  });

  it('skips empty items', () => {
    expect(parseRequestHeaders('x-a,,x-b, ,')).toEqual(['x-a', 'x-b']);
    expect(parseRequestHeaders(' , ')).toEqual([]);
    expect(parseRequestHeaders('')).toEqual([]);
  });

  it('keeps the order and repeats of the request', () => {
    expect(parseRequestHeaders('x-b, x-a, X-B')).toEqual(['x-b', 'x-a', 'x-b']);
  });

  it.each(['x a', 'x-a, x b', 'x-a;q=1', 'x-a, "x-b"', 'x-a, é', 'x-a\nx-b', 'x-a:1'])(
    'refuses a list holding a non-token: %j',
    (value) => {
      expect(parseRequestHeaders(value)).toBeUndefined();
    },
  );

  it('accepts a value of exactly 8 KiB and refuses one a byte longer', () => {
    expect(MAX_REQUEST_HEADERS_LENGTH).toBe(8192);
    const exact = 'x'.repeat(8192);
    expect(parseRequestHeaders(exact)).toEqual([exact]);
    expect(parseRequestHeaders(`${exact},`)).toBeUndefined();
    expect(parseRequestHeaders('x'.repeat(8193))).toBeUndefined();
  });

  it('refuses a 1 MiB list of valid names', () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => `x-h${i}`).join(',');
    expect(huge.length).toBeGreaterThan(1024 * 512);
    expect(parseRequestHeaders(huge)).toBeUndefined();
  });
});
