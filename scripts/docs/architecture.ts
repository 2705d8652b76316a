import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'rolldown/utils';

/*
 * The picture of docs/architecture.md: which part imports which, read from the import statements of every
 * TypeScript file (tests aside: they may import anything), as a Mermaid graph between the page's
 * <!-- generated:parts --> markers. `npm run docs` redraws it, so an arrow nobody meant shows up in review.
 */

/** The parts whose code imports one another, as the picture lists them. */
const PARTS = ['scripts', 'bench', 'harness', 'components', 'fixtures', 'mock-idp', 'common'] as const;
type Part = (typeof PARTS)[number];

/** What ties the other parts in, which no import shows (dotted in the picture; ids as `node` makes them). */
const NOT_IMPORTS = [
  'components -.->|HTTP only| mock_idp',
  'harness -.->|reads YAML| scenarios',
  'scripts -.->|build.ts: tsc and rolldown| dist',
  'docker -.->|image of the packed package| dist',
];

/** Mermaid ids cannot hold every folder name: mock-idp is mock_idp, labelled as the folder. */
const node = (name: string) => name.replace(/-/g, '_');
const NODES = [...PARTS, 'scenarios', 'docker', 'dist'].map((name) => `  ${node(name)}["${name}/"]`);

const partOf = (path: string): Part | undefined => PARTS.find((part) => path === part || path.startsWith(`${part}/`));

async function sourceFiles(part: Part): Promise<string[]> {
  const entries = await readdir(part, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The relative module specifiers a file imports, re-exports or loads with import(). */
function relativeImports(file: string, code: string): string[] {
  const { module } = parseSync(file, code, { lang: 'ts' });
  const specifiers = [
    ...module.staticImports.map((entry) => entry.moduleRequest.value),
    ...module.staticExports.flatMap((statement) => statement.entries.map((entry) => entry.moduleRequest?.value)),
    ...module.dynamicImports.map((entry) => /^['"](.*)['"]$/.exec(code.slice(entry.moduleRequest.start, entry.moduleRequest.end))?.[1]),
  ];
  return specifiers.filter((specifier): specifier is string => specifier?.startsWith('.') === true);
}

/** Each part's imports of other parts, from the files on disk. */
async function partImports(): Promise<Map<Part, Set<Part>>> {
  const arrows = new Map<Part, Set<Part>>(PARTS.map((part) => [part, new Set<Part>()]));
  for (const part of PARTS) {
    for (const file of await sourceFiles(part)) {
      for (const specifier of relativeImports(file, await readFile(file, 'utf8'))) {
        const target = partOf(relative('.', resolve(dirname(file), specifier)));
        if (target && target !== part) arrows.get(part)!.add(target);
      }
    }
  }
  return arrows;
}

/** The Mermaid graph: one arrow per importing pair of parts, then the ties that are not imports (dotted). */
async function partsGraph(): Promise<string> {
  const lines = ['```mermaid', 'graph TD', ...NODES];
  for (const [from, targets] of await partImports()) {
    for (const to of PARTS) if (targets.has(to)) lines.push(`  ${node(from)} --> ${node(to)}`);
  }
  lines.push(...NOT_IMPORTS.map((line) => `  ${line}`), '```');
  return lines.join('\n');
}

/** The page with its picture brought up to date. */
export async function renderArchitectureDoc(page: string): Promise<string> {
  const pattern = /(<!-- generated:parts -->\n)[\s\S]*?(<!-- \/generated:parts -->)/;
  if (!pattern.test(page)) throw new Error('docs/architecture.md has no <!-- generated:parts --> section');
  const graph = await partsGraph();
  return page.replace(pattern, (_match, open: string, close: string) => `${open}${graph}\n${close}`);
}
