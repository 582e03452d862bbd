import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The README stays true: its sections come in the house order, every TypeScript block in it
 * type-checks against lib/ (as the package a user installs), every JSON block parses, and every
 * link works on the npm page too (absolute, or an anchor of a heading).
 */
const root = process.cwd();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const lines = readme.split('\n');

interface Block {
  readonly language: string;
  readonly line: number; // README line of the first line of code (1-based)
  readonly code: string;
  readonly section: string;
}

function codeBlocks(): Block[] {
  const blocks: Block[] = [];
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const heading = /^## (.*)$/.exec(lines[index]);
    if (heading) section = heading[1];
    const fence = /^(\s*)```(\w*)\s*$/.exec(lines[index]);
    if (!fence) continue;
    const indent = fence[1].length;
    const end = lines.findIndex((line, at) => at > index && /^\s*```\s*$/.test(line));
    expect(end).toBeGreaterThan(index);
    const code = lines
      .slice(index + 1, end)
      .map((line) => line.slice(indent))
      .join('\n');
    blocks.push({ language: fence[2], line: index + 2, code, section });
    index = end;
  }
  return blocks;
}

const headings = lines.flatMap((line) => /^## (.*)$/.exec(line)?.[1] ?? []);

/** GitHub's anchor of a heading. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

describe('README', () => {
  const blocks = codeBlocks();

  it('has the user-facing sections first, in the house order', () => {
    const order = [
      'Install and requirements',
      'Quick start',
      'Decorators and precedence',
      'Async configuration',
      'Migrating from `app.enableCors()`',
      'What a denial looks like',
      'Troubleshooting',
      'Testing your CORS setup',
      'Recipes',
      'GraphQL, static files and WebSockets',
      'Security notes',
      'Comparison with `app.enableCors()`',
      'How it works',
      'Benchmarks',
      'FAQ',
      'License',
    ];
    expect(headings.filter((heading) => order.includes(heading))).toEqual(order);
  });

  it('has code in the sections users copy from', () => {
    const withCode = new Set(blocks.filter((b) => b.language === 'ts').map((b) => b.section));
    for (const section of [
      'Quick start',
      'Async configuration',
      'Migrating from `app.enableCors()`',
      'Testing your CORS setup',
      'Recipes',
    ]) {
      expect({ section, hasCode: withCode.has(section) }).toEqual({ section, hasCode: true });
    }
  });

  it('type-checks every TypeScript block against lib/', () => {
    const dir = join(root, '.tmp', 'readme-examples');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const library = relative(dir, join(root, 'lib', 'index.js'))
      .split('\\')
      .join('/');
    const files = new Map<string, Block>();
    for (const block of blocks.filter((b) => b.language === 'ts')) {
      const file = join(dir, `line-${block.line}.ts`);
      // A user imports the package; here it is lib/ itself, so the README follows lib/.
      writeFileSync(file, block.code.replaceAll(`'nestjs-cors-policy'`, `'${library}'`));
      files.set(file, block);
    }
    expect(files.size).toBeGreaterThanOrEqual(9);

    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    )!;
    const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const block = diagnostic.file && files.get(diagnostic.file.fileName);
      if (!block || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      return `README.md:${block.line + line}: ${message}`;
    });
    expect(problems).toEqual([]);
  }, 60_000);

  it('has JSON blocks that parse', () => {
    const json = blocks.filter((b) => b.language === 'json');
    expect(json.length).toBeGreaterThan(0);
    for (const block of json) expect(() => JSON.parse(block.code)).not.toThrow();
  });

  it('links only to absolute URLs or its own headings, so the npm page has no broken link', () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(3);
    const anchors = new Set(
      lines.flatMap((line) => /^#{2,3} (.*)$/.exec(line)?.[1] ?? []).map(anchorOf),
    );
    const broken = targets.filter((target) =>
      target.startsWith('#') ? !anchors.has(target.slice(1)) : !/^https:\/\//.test(target),
    );
    expect(broken).toEqual([]);
  });

  it('links to the repository named in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const repository = manifest.homepage.replace(/#readme$/, '');
    const github = [
      ...readme.matchAll(/https:\/\/(?:raw\.)?github(?:usercontent)?\.com\/[^)\s]+/g),
    ];
    expect(github.length).toBeGreaterThan(0);
    for (const [url] of github) {
      expect(url.replace('raw.githubusercontent.com', 'github.com')).toContain(
        repository.replace('https://', ''),
      );
    }
  });
});
