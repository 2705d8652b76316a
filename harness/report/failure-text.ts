import { show } from '../assertions/format.ts';
import type { JournalLine, ScenarioResult } from './result.ts';

/*
 * A failure explained in plain text: which step (and where in the file), what was expected, what
 * came instead, and the last requests the IdP saw. Console, JUnit and HTML all use it.
 */

function journalLine(line: JournalLine): string {
  const who = line.by === 'target' ? 'target ' : 'harness';
  const details = [
    line.clientId && `client ${line.clientId}`,
    line.grantType && `grant ${line.grantType}`,
    line.user && `user ${line.user}`,
    line.error && `error ${line.error}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `#${line.seq} ${who} ${line.method} ${line.path} → ${line.status}${details ? ` (${details})` : ''}`;
}

export function failureText(result: ScenarioResult): string {
  const failure = result.failure;
  if (!failure) return '';
  const lines: string[] = [];
  if (failure.step) lines.push(`step ${failure.step.index + 1} (${failure.step.label})${failure.step.line ? ` at ${result.file}:${failure.step.line}` : ''}:`);
  const kind = failure.kind === 'assertion' ? '' : `[${failure.kind}] `;
  lines.push(`${kind}${failure.message}`);
  for (const mismatch of failure.mismatches ?? []) {
    lines.push(`  ${mismatch.path}`);
    lines.push(`    expected: ${show(mismatch.expected)}`);
    lines.push(`    actual:   ${show(mismatch.actual)}`);
  }
  if (failure.journal && failure.journal.length > 0) {
    lines.push('last requests the IdP saw:');
    for (const line of failure.journal) lines.push(`  ${journalLine(line)}`);
  } else if (failure.kind !== 'invalid') {
    lines.push('the IdP saw no request from this scenario');
  }
  return lines.join('\n');
}
