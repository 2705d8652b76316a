import type { Plugin } from 'rolldown';

/*
 * An `import ... from 'node:http'` makes Node build the module's ESM facade, which reads every export, including
 * the lazy getters (WebSocket, CloseEvent, MessageEvent) that load Node's own copy of undici: some 30 ms of every
 * `mockidp` start. The bundle takes node:http from process.getBuiltinModule (Node 22.3+), which has no facade.
 */
const MODULE_ID = '\0node-http-without-esm-facade';

export function httpWithoutEsmFacade(): Plugin {
  const http = process.getBuiltinModule('node:http');
  const names = Object.keys(http).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && !Object.getOwnPropertyDescriptor(http, name)?.get);
  const source = [
    `const http = process.getBuiltinModule('node:http');`,
    'export default http;',
    ...names.map((name) => `export const ${name} = http.${name};`),
  ];
  return {
    name: 'http-without-esm-facade',
    resolveId: (id, _importer, options) => ((id === 'node:http' || id === 'http') && options.kind === 'import-statement' ? MODULE_ID : undefined),
    load: (id) => (id === MODULE_ID ? source.join('\n') : undefined),
  };
}
