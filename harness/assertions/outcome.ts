/** What a step produced, for its `expect` and for later steps (`as: name`). */
export interface StepOutcome {
  /** HTTP status of the step's main response. */
  status?: number;
  /** Response headers, lower-case names. */
  headers?: Record<string, string>;
  /** Response body as text. */
  body?: string;
  /** Parsed JSON body (when the body is JSON). */
  json?: unknown;
  /** Parsed XML body (when the body is XML): elements by name, namespaces dropped. */
  xml?: unknown;
  /** Exit code, stdout and stderr of a command. */
  exit?: number;
  stdout?: string;
  stderr?: string;
  /** Step-specific values (a login's code and state, a minted token, journal entries, ...). */
  value?: unknown;
}

/** The variable a step's outcome is saved as: the step value's fields, plus status, json, ... */
export function outcomeVariable(outcome: StepOutcome): Record<string, unknown> {
  const value = outcome.value;
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const variable: Record<string, unknown> = { ...fields };
  for (const key of ['status', 'headers', 'body', 'json', 'xml', 'exit', 'stdout', 'stderr', 'value'] as const)
    if (outcome[key] !== undefined) variable[key] = outcome[key];
  return variable;
}
