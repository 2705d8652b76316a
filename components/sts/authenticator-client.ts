import { HttpError } from '../server/http-error.ts';
import { fetchJson, isObject, type JsonResponse } from '../oidc/http.ts';

/*
 * lakeFS's side of the authentication API (ValidateSTS in lakeFS's pkg/authentication/service.go): only
 * 400 and 401 pass through; anything unexpected (another status, no JSON, a non-string claim, the
 * authenticator down) is a 500, as lakeFS answers.
 */
export async function validateSts(
  authenticatorUrl: string,
  request: { code: string; state: string; redirect_uri: string },
  timeoutMs: number,
): Promise<Record<string, string>> {
  const url = `${authenticatorUrl.replace(/\/$/, '')}/sts/login`;
  let response: JsonResponse;
  try {
    response = await fetchJson(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      timeoutMs,
      what: 'authenticator',
    });
  } catch (error) {
    throw new HttpError(500, `the authentication API could not be reached: ${(error as Error).message}`);
  }
  const message = isObject(response.body) && typeof response.body['message'] === 'string' ? response.body['message'] : undefined;
  if (response.status === 400 || response.status === 401) {
    if (response.json && !isObject(response.body))
      throw new HttpError(500, `the authentication API answered ${response.status} with a body that is not an Error object`);
    if (!response.json && response.text !== '') throw new HttpError(500, `the authentication API answered ${response.status} without a JSON error body`);
    throw new HttpError(response.status, message ?? (response.status === 401 ? 'Unauthorized' : 'bad request'));
  }
  if (response.status !== 200) throw new HttpError(500, `the authentication API answered an unexpected status ${response.status}`);
  if (!response.json || !isObject(response.body)) throw new HttpError(500, 'the authentication API answered 200 without a JSON body');
  const claims = response.body['claims'];
  if (!isObject(claims)) throw new HttpError(500, 'the authentication API answered 200 without a claims object');
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value !== 'string')
      throw new HttpError(
        500,
        `the authentication API returned claim "${name}" as ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}; the contract allows strings only`,
      );
  }
  return claims as Record<string, string>;
}
