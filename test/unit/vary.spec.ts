import {
  VARY_ACTUAL,
  VARY_PREFLIGHT,
  VARY_PREFLIGHT_PRIVATE_NETWORK,
  mergeVary,
} from '../../lib/policy/vary.js';

describe('Vary names', () => {
  it('are the request headers each kind of response depends on', () => {
    expect(VARY_ACTUAL).toBe('Origin');
    expect(VARY_PREFLIGHT).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
    expect(VARY_PREFLIGHT_PRIVATE_NETWORK).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
    );
  });
});

describe('mergeVary', () => {
  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['an empty array', []],
  ])('returns the names when the current value is %s', (_, current) => {
    expect(mergeVary(current, 'Origin')).toBe('Origin');
    expect(mergeVary(current, VARY_PREFLIGHT)).toBe(VARY_PREFLIGHT);
  });

  it('appends a missing name after what is there', () => {
    expect(mergeVary('Accept-Encoding', 'Origin')).toBe('Accept-Encoding, Origin');
  });

  it('appends only the missing names, in their order', () => {
    expect(mergeVary('Origin, Accept-Encoding', VARY_PREFLIGHT)).toBe(
      'Origin, Accept-Encoding, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
    expect(mergeVary('access-control-request-headers', VARY_PREFLIGHT)).toBe(
      'access-control-request-headers, Origin, Access-Control-Request-Method',
    );
  });

  it.each(['Origin', 'origin', 'ORIGIN', 'Accept-Encoding, origin', 'Accept-Encoding,Origin '])(
    'returns undefined when %j already names Origin (case-insensitive)',
    (current) => {
      expect(mergeVary(current, 'Origin')).toBeUndefined();
    },
  );

  it('returns undefined when every preflight name is already there, in any case and order', () => {
    expect(
      mergeVary(
        'access-control-request-headers, ORIGIN, Access-Control-Request-Method',
        VARY_PREFLIGHT,
      ),
    ).toBeUndefined();
  });

  it.each(['*', ' * ', 'Accept-Encoding, *', '*, Origin'])('leaves %j alone', (current) => {
    expect(mergeVary(current, 'Origin')).toBeUndefined();
    expect(mergeVary(current, VARY_PREFLIGHT)).toBeUndefined();
  });

  it('reads an array of header values as one list', () => {
    expect(mergeVary(['Accept-Encoding', 'Cookie'], 'Origin')).toBe(
      'Accept-Encoding, Cookie, Origin',
    );
    expect(mergeVary(['Accept-Encoding', 'origin'], 'Origin')).toBeUndefined();
    expect(mergeVary(['Accept-Encoding', '*'], 'Origin')).toBeUndefined();
  });

  it('reads a number as its string form', () => {
    expect(mergeVary(42, 'Origin')).toBe('42, Origin');
  });

  it('does not treat a name that merely contains another as present', () => {
    expect(mergeVary('X-Origin', 'Origin')).toBe('X-Origin, Origin');
    expect(mergeVary('Origins', 'Origin')).toBe('Origins, Origin');
  });
});
