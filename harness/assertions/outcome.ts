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
