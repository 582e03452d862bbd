import fc from 'fast-check';

/** Origins the hostile-input properties allow; every other value must get no CORS header. */
export const ALLOWED_ORIGINS: readonly string[] = [
  'https://app.example.com',
  'http://localhost:3000',
  'https://a.partner.example',
];

/** Characters that have fooled origin checks or header parsers somewhere. */
const NASTY_CHARS = [
  ...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)), // C0 controls, CR, LF
  '\x7f',
  ' ',
  ',',
  ';',
  '/',
  '\\',
  '@',
  '#',
  '?',
  '%',
  '*',
  '\u00a0', // no-break space
  '\u0130', // İ: lower-cases to two characters
  '\u212a', // Kelvin sign: lower-cases to 'k'
  '\uff0e', // fullwidth full stop: a dot to the WHATWG URL parser
  '\u3002', // ideographic full stop: a dot too
  '\u200b', // zero-width space
  '\u202e', // right-to-left override
  '\u0430', // Cyrillic a
  '\ud800', // lone surrogate
  '😀',
];

/** Ways of bending an allowed origin into something that is not it. */
function mutate(origin: string): fc.Arbitrary<string> {
  const position = fc.nat(origin.length);
  return fc.oneof(
    // one odd character anywhere
    fc
      .tuple(position, fc.constantFrom(...NASTY_CHARS))
      .map(([i, c]) => origin.slice(0, i) + c + origin.slice(i)),
    // one character replaced by an odd one
    fc
      .tuple(fc.nat(origin.length - 1), fc.constantFrom(...NASTY_CHARS))
      .map(([i, c]) => origin.slice(0, i) + c + origin.slice(i + 1)),
    // upper case, whole or one letter
    fc.constant(origin.toUpperCase()),
    fc
      .nat(origin.length - 1)
      .map((i) => origin.slice(0, i) + origin[i].toUpperCase() + origin.slice(i + 1)),
    // percent-encoding of one character
    fc
      .nat(origin.length - 1)
      .map(
        (i) =>
          origin.slice(0, i) +
          `%${origin.charCodeAt(i).toString(16).padStart(2, '0')}` +
          origin.slice(i + 1),
      ),
    // trailing dot, slash, default port, path, userinfo, list, header injection
    fc.constantFrom(
      `${origin}.`,
      `${origin}/`,
      `${origin}:443`,
      `${origin}:80`,
      `${origin}/path`,
      `${origin}?q`,
      `${origin}#f`,
      `${origin}.evil.net`,
      `${origin}\r\nSet-Cookie: a=b`,
      `${origin}\nAccess-Control-Allow-Origin: https://evil.net`,
      `${origin}, https://evil.net`,
      `https://evil.net, ${origin}`,
      `${origin},${origin}`,
      ` ${origin}`,
      `${origin} `,
      `\t${origin}`,
      origin.replace('://', '://user@'),
      origin.replace('://', ':///'),
      origin.replace('://', '//'),
      origin.replace(/^[a-z]+/, 'wss'),
      origin.replace('.', '\uff0e'),
      origin.replace(/\.([a-z]+)$/, '.$1.'),
      origin.replace(/\/\/([a-z])/, '//evil$1'),
    ),
    // overlong: the host padded past the 1 KiB bound
    fc
      .integer({ min: 1000, max: 70_000 })
      .map((n) => origin.replace('://', `://${'a'.repeat(n)}.`)),
  );
}

/** Hostile and near-miss Origin header values, plus the allowed ones now and then. */
export const hostileOrigin: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...ALLOWED_ORIGINS) },
  { weight: 6, arbitrary: fc.constantFrom(...ALLOWED_ORIGINS).chain(mutate) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'null',
      'NULL',
      'Null',
      ' null',
      '',
      '*',
      'file://',
      'https://',
      'https://*.partner.example',
      'https://.partner.example',
      'https://partner.example',
      'https://a..partner.example',
      'https://A.partner.example',
      'https://a_b.partner.example',
      'https://xn--80ak6aa92e.partner.example',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 64 }) },
);
