import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { StsError } from './sts-error.ts';

/*
 * SigV4 verification without our own crypto: the request is signed again with the AWS SDK's own
 * signer (@smithy/signature-v4) and the stored secret, over exactly the headers the client says it
 * signed, and the two signatures are compared in constant time.
 */

export interface SigV4Authorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;._-]+)\s*,\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string): SigV4Authorization {
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) {
    throw new StsError(
      'IncompleteSignature',
      400,
      'Authorization header requires the form "AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, SignedHeaders=<h1;h2>, Signature=<64 hex digits>"',
    );
  }
  return { accessKeyId: match[1]!, scopeDate: match[2]!, region: match[3]!, service: match[4]!, signedHeaders: match[5]!.split(';'), signature: match[6]! };
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** x-amz-date (YYYYMMDDTHHMMSSZ) as epoch ms, or undefined when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface SignedRequest {
  method: string;
  /** host header as sent. */
  host: string;
  path: string;
  querystring: string;
  header(name: string): string;
  body: string;
}

export async function signatureMatches(request: SignedRequest, auth: SigV4Authorization, secretAccessKey: string, signingDate: number): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = name === 'host' ? request.host : request.header(name);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(request.querystring)) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: request.host.split(':')[0]!,
      path: request.path,
      query,
      headers,
      body: request.body,
    }),
    {
      signingDate: new Date(signingDate),
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers['authorization']))?.[1];
  if (!expected) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
}
