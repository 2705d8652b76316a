/*
 * The base of every error the reference components throw on purpose (a refused token, an unusable IdP, bad
 * options, an HTTP answer): callers can tell ours from a crash with one instanceof, and `name` is the class's own.
 */
export class ComponentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Options a component cannot start with: the message names each bad field and what is expected. */
export class OptionsError extends ComponentError {}
