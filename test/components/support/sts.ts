import { XMLParser } from 'fast-xml-parser';

// biome-ignore lint/suspicious/noExplicitAny: an XML reply parsed without a schema; the tests read the fields they expect
type XmlTree = Record<string, any>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

export const parseXml = (text: string) => parser.parse(text) as XmlTree;

export interface StsReply {
  status: number;
  headers: Headers;
  text: string;
  xml: XmlTree;
}

/** One query-protocol call to an STS: form POST (default) or GET with a query string. */
export async function stsCall(
  url: string,
  params: Record<string, string>,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {},
): Promise<StsReply> {
  const query = new URLSearchParams(params).toString();
  const response =
    options.method === 'GET'
      ? await fetch(`${url}/?${query}`, { headers: options.headers ?? {} })
      : await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers }, body: query });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, xml: parser.parse(text) as XmlTree };
}

export function stsError(reply: StsReply): { Type: string; Code: string; Message: string } {
  return reply.xml['ErrorResponse']?.['Error'];
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/web-identity';

export function assumeParams(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'alice-session', WebIdentityToken: token, ...extra };
}
