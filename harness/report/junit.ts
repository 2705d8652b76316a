import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failureText } from './failure-text.ts';
import type { ScenarioResult, SuiteResult } from './result.ts';
import type { ReporterKind } from './reporter.ts';

/*
 * JUnit XML, the format CI systems read (GitHub Actions, GitLab, Jenkins): one <testsuite> per
 * scenario folder, one <testcase> per scenario, the failure explained in its text.
 */

/** Whether XML 1.0 allows a character (its Char production): tab, newlines, and the rest above the control characters. */
function allowedInXml(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

function escapeXml(text: string): string {
  // Characters XML 1.0 forbids are dropped.
  return [...text]
    .filter(allowedInXml)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function suiteName(result: ScenarioResult): string {
  const parts = result.file.split('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : 'scenarios';
}

function testcase(result: ScenarioResult): string {
  const attrs = `name="${escapeXml(result.name)}" classname="${escapeXml(suiteName(result).replace(/\//g, '.'))}" file="${escapeXml(result.file)}" line="${result.line}" time="${seconds(result.ms)}"`;
  if (result.status === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(result.skipReason ?? 'skipped')}"/>\n    </testcase>`;
  if (result.status === 'failed' && result.failure) {
    const element = result.failure.kind === 'assertion' ? 'failure' : 'error';
    return `    <testcase ${attrs}>\n      <${element} message="${escapeXml(result.failure.message.split('\n')[0]!.slice(0, 500))}" type="${result.failure.kind}">${escapeXml(failureText(result))}</${element}>\n    </testcase>`;
  }
  return `    <testcase ${attrs}/>`;
}

function renderJunit(suite: SuiteResult): string {
  const groups = new Map<string, ScenarioResult[]>();
  for (const result of suite.scenarios) groups.set(suiteName(result), [...(groups.get(suiteName(result)) ?? []), result]);
  const count = (results: ScenarioResult[], kind: 'assertion' | 'error') =>
    results.filter((r) => r.status === 'failed' && (kind === 'assertion' ? r.failure?.kind === 'assertion' : r.failure?.kind !== 'assertion')).length;
  const suites = [...groups].map(([name, results]) => {
    const time = results.reduce((total, result) => total + result.ms, 0);
    return `  <testsuite name="${escapeXml(name)}" tests="${results.length}" failures="${count(results, 'assertion')}" errors="${count(results, 'error')}" skipped="${results.filter((r) => r.status === 'skipped').length}" time="${seconds(time)}" timestamp="${suite.startedAt}">\n${results.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const all = suite.scenarios;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mockidp" tests="${all.length}" failures="${count(all, 'assertion')}" errors="${count(all, 'error')}" skipped="${suite.summary.skipped}" time="${seconds(suite.ms)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const junitReporter: ReporterKind = {
  name: 'junit',
  summary: 'junit.xml for CI systems: a testsuite per scenario folder, a testcase per scenario.',
  file: 'junit.xml',
  create({ outDir }) {
    return {
      async finish(result) {
        await mkdir(outDir, { recursive: true });
        const path = join(outDir, 'junit.xml');
        await writeFile(path, renderJunit(result));
        return path;
      },
    };
  },
};
