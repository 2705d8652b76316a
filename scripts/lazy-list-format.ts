import type { Plugin } from 'rolldown';

/*
 * oidc-provider builds two Intl.ListFormat objects when its formatters module loads, and the first Intl object of a
 * process initialises ICU: some 20 ms of every `mockidp serve` start, for the wording of a few error descriptions
 * ("'client_id' and 'scope' parameters must not be provided twice"). In the bundle they are built on first use.
 * The build fails rather than ship without it if oidc-provider changes those lines.
 */
const FORMATTERS = /[\\/]oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/;
const EAGER = [
  "const conjunction = new Intl.ListFormat('en', { type: 'conjunction' });",
  "const disjunction = new Intl.ListFormat('en', { type: 'disjunction' });",
];
const LAZY = `let listFormats;
const listFormat = (type) => {
  listFormats ??= { conjunction: new Intl.ListFormat('en', { type: 'conjunction' }), disjunction: new Intl.ListFormat('en', { type: 'disjunction' }) };
  return listFormats[type];
};
const conjunction = { format: (iterable) => listFormat('conjunction').format(iterable) };
const disjunction = { format: (iterable) => listFormat('disjunction').format(iterable) };`;

export function lazyListFormat(): Plugin {
  return {
    name: 'lazy-list-format',
    transform(code, id) {
      if (!FORMATTERS.test(id)) return undefined;
      if (!EAGER.every((line) => code.includes(line)))
        throw new Error(`${id} no longer starts with the two Intl.ListFormat lines scripts/lazy-list-format.ts replaces: update the plugin`);
      return code.replace(EAGER.join('\n'), LAZY);
    },
  };
}
