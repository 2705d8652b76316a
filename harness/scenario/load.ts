import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { formatPath, yamlPosition, zodProblems } from '../../common/problems.ts';
import { checkStep, parseStep } from '../steps/parse.ts';
import { displayPath, findScenarioFiles } from './discover.ts';
import { toMs } from './duration.ts';
import type { ScenarioProblem } from './errors.ts';
import type { Scenario, ScenarioStep, TargetRef } from './model.ts';
import { scenarioSchema } from './schema.ts';

/*
 * Reads scenario files. Every problem names the file, the line, the field and the fix; one bad
 * file never stops the others (the runner reports it as a failed scenario).
 */

export interface LoadedFile {
  file: string;
  scenarios: Scenario[];
  problems: ScenarioProblem[];
}

/** Every scenario file under the paths, loaded (a bad file becomes problems; the others still load). */
export async function loadScenarios(paths: string[]): Promise<{ scenarios: Scenario[]; problems: ScenarioProblem[]; files: number }> {
  // Each file's includes must stay inside the folder it was found under (or its own folder).
  const roots = new Map<string, string>();
  for (const path of paths) {
    const root = (await stat(path).catch(() => undefined))?.isDirectory() ? resolve(path) : dirname(resolve(path));
    for (const file of await findScenarioFiles([path])) if (!roots.has(file)) roots.set(file, root);
  }
  const files = [...roots.keys()].sort();
  const loaded = await Promise.all(files.map((file) => loadScenarioFile(file, roots.get(file))));
  return { scenarios: loaded.flatMap((file) => file.scenarios), problems: loaded.flatMap((file) => file.problems), files: files.length };
}

/** root: the folder includes must stay in (the folder given to the runner; default: the file's own). */
export async function loadScenarioFile(path: string, root?: string): Promise<LoadedFile> {
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      file,
      scenarios: [],
      problems: [{ file, field: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` }],
    };
  }
  return parseScenarioText(text, file, dirname(resolve(path)), root ?? dirname(resolve(path)));
}

/** Parses the text of a scenario file (one scenario per YAML document). */
export async function parseScenarioText(text: string, file: string, baseDir = process.cwd(), root = baseDir): Promise<LoadedFile> {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const docs = Array.isArray(documents) ? documents : [];
  const scenarios: Scenario[] = [];
  const problems: ScenarioProblem[] = [];
  const nonEmpty = docs.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  if (nonEmpty.length === 0)
    return { file, scenarios, problems: [{ file, field: '(file)', message: 'the file has no scenario: write at least "name:" and "steps:"' }] };
  for (const [position, doc] of nonEmpty.entries()) {
    const id = `${file.replace(/\.ya?ml$/i, '')}${position === 0 ? '' : `#${position + 1}`}`;
    const result = await parseDocumentScenario(doc, { id, file, baseDir, root, lineCounter });
    if (result.scenario) scenarios.push(result.scenario);
    problems.push(...result.problems);
  }
  return { file, scenarios, problems };
}

interface DocContext {
  id: string;
  file: string;
  baseDir: string;
  /** Includes must resolve inside this folder (no reading arbitrary files through a scenario). */
  root: string;
  lineCounter: LineCounter;
}

async function parseDocumentScenario(doc: Document.Parsed, context: DocContext): Promise<{ scenario?: Scenario; problems: ScenarioProblem[] }> {
  const { file, lineCounter } = context;
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return {
          file,
          field: '(syntax)',
          message: `${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}: fix the YAML syntax`,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        };
      }),
    };
  }
  const locate = (path: ReadonlyArray<PropertyKey>) => yamlPosition(doc, path, lineCounter);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { problems: [{ file, field: '(syntax)', message: `${(error as Error).message}: check the YAML anchors (&name) and aliases (*name)` }] };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file, field: '(root)', message: 'a scenario is a mapping with at least "name:" and "steps:"', ...locate([]) }] };
  }
  const includeProblems: ScenarioProblem[] = [];
  data = await applyIncludes(data as Record<string, unknown>, context, includeProblems, locate);
  if (includeProblems.length > 0) return { problems: includeProblems };

  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) return { problems: zodProblems(parsed.error).map(({ path, message }) => ({ file, field: formatPath(path), message, ...locate(path) })) };
  const input = parsed.data;
  const problems: ScenarioProblem[] = [];
  const steps: ScenarioStep[] = [];
  const report = (path: PropertyKey[], message: string) => problems.push({ file, field: formatPath(path), message, ...locate(path) });
  input.steps.forEach((raw, index) => {
    const step = parseStep(raw, index, ['steps', index], report, (path) => locate(path).line);
    if (step) steps.push(step);
  });
  if (problems.length > 0) return { problems };
  const target: TargetRef | undefined =
    input.target === undefined
      ? undefined
      : typeof input.target === 'string'
        ? { name: input.target, flavour: undefined, options: {} }
        : { name: input.target.name, flavour: input.target.flavour, options: input.target.options ?? {} };
  const scenario: Scenario = {
    id: context.id,
    file,
    line: locate([]).line ?? 1,
    name: input.name,
    description: input.description,
    tags: input.tags,
    idp: input.idp,
    target,
    // The IdP is shared by the run: a scenario that restarts it must run alone.
    exclusive: input.exclusive || steps.some((step) => step.kind === 'restart_idp'),
    timeoutMs: input.timeout === undefined ? undefined : toMs(input.timeout),
    stepTimeoutMs: input.stepTimeout === undefined ? undefined : toMs(input.stepTimeout),
    skip: input.skip,
    steps,
  };
  for (const step of steps) {
    const found = checkStep(step, scenario);
    if (found) report(['steps', step.index, step.kind, ...(found.field ? found.field.split('.') : [])], found.message);
  }
  if (problems.length > 0) return { problems };
  return { scenario, problems: [] };
}

type Locate = (path: ReadonlyArray<PropertyKey>) => { line?: number; column?: number };

async function applyIncludes(
  data: Record<string, unknown>,
  context: DocContext,
  problems: ScenarioProblem[],
  locate: Locate,
): Promise<Record<string, unknown>> {
  const include = data['include'];
  if (include === undefined) return data;
  const paths = typeof include === 'string' ? [include] : Array.isArray(include) ? include : undefined;
  if (!paths || paths.some((path) => typeof path !== 'string')) {
    problems.push({
      file: context.file,
      field: 'include',
      message: 'include is a file path or a list of file paths (relative to this file)',
      ...locate(['include']),
    });
    return data;
  }
  let merged: Record<string, unknown> = {};
  for (const path of paths as string[]) {
    const absolute = resolve(context.baseDir, path);
    let text: string;
    try {
      if (!(await insideRoot(absolute, context.root))) {
        problems.push({
          file: context.file,
          field: 'include',
          message: `the include "${path}" is outside the scenario folder ${displayPath(context.root)}: includes must be files inside it`,
          ...locate(['include']),
        });
        continue;
      }
      text = await readFile(absolute, 'utf8');
    } catch {
      problems.push({
        file: context.file,
        field: 'include',
        message: `cannot read the include "${path}" (resolved to ${displayPath(absolute)})`,
        ...locate(['include']),
      });
      continue;
    }
    const doc = parseDocument(text, { uniqueKeys: true });
    const value = doc.errors.length === 0 ? (doc.toJS({ maxAliasCount: 100 }) as unknown) : undefined;
    if (doc.errors.length > 0 || !value || typeof value !== 'object' || Array.isArray(value) || !isMap(doc.contents)) {
      problems.push({
        file: displayPath(absolute),
        field: '(root)',
        message: `an include must be a YAML mapping of scenario fields (idp, target, tags, ...)${doc.errors[0] ? `: ${doc.errors[0].message.split('\n')[0]}` : ''}`,
        line: doc.errors[0]?.linePos?.[0]?.line ?? 1,
      });
      continue;
    }
    merged = deepMerge(merged, value as Record<string, unknown>);
  }
  const { include: _include, ...own } = data;
  return deepMerge(merged, own);
}

/** True when the file (symbolic links resolved) lies inside the root folder. */
async function insideRoot(file: string, root: string): Promise<boolean> {
  const [realFile, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  const rel = relative(realRoot, realFile);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    if (key === 'tags' && Array.isArray(existing) && Array.isArray(value)) out[key] = [...new Set([...existing, ...value])];
    else if (isPlainObject(existing) && isPlainObject(value)) out[key] = deepMerge(existing, value);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
