import type { Plugin } from 'rolldown';

/*
 * Koa 3 tests every non-string body against the web globals ReadableStream, Blob and Response, and the first read
 * of globalThis.Response loads Node's own copy of undici (its fetch): some 20 ms on the IdP's first JSON answer,
 * the discovery document a client waits for after `mockidp serve` starts. In the bundle each test first asks
 * whether the body has the method every such object has, so a plain object never touches the globals; what is a
 * ReadableStream, a Blob or a Response is still recognised as before. The build fails rather than ship without it
 * if Koa changes those tests.
 */
const KOA_FILES = /[\\/]koa[\\/]lib[\\/](response|application)\.js$/;
const TEST = /\b(val|body) instanceof (ReadableStream|Blob|Response)\b/g;
const METHOD: Record<string, string> = { ReadableStream: 'getReader', Blob: 'arrayBuffer', Response: 'arrayBuffer' };

export function koaLazyWebGlobals(): Plugin {
  return {
    name: 'koa-lazy-web-globals',
    transform(code, id) {
      if (!KOA_FILES.test(id)) return undefined;
      const found = code.match(TEST) ?? [];
      if (found.length !== 3)
        throw new Error(`${id} has ${found.length} body tests against ReadableStream, Blob and Response, not 3: update scripts/koa-lazy-web-globals.ts`);
      return code.replace(TEST, (_, name: string, global: string) => `(typeof ${name}.${METHOD[global]} === 'function' && ${name} instanceof ${global})`);
    },
  };
}
