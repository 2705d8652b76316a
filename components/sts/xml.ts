import type { Context } from 'koa';
import { XMLBuilder } from 'fast-xml-parser';
import type { Flavour } from './flavours.ts';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

function send(ctx: Context, status: number, document: Record<string, unknown>): void {
  ctx.status = status;
  ctx.type = 'text/xml';
  ctx.body = builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, ...document });
}

/** `<{Action}Response><{Action}Result>...</{Action}Result><ResponseMetadata>` (the query protocol). */
export function renderResult(ctx: Context, action: string, result: Record<string, unknown>, requestId: string): void {
  send(ctx, 200, {
    [`${action}Response`]: { '@_xmlns': STS_NAMESPACE, [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } },
  });
}

export function renderError(ctx: Context, flavour: Flavour, status: number, code: string, message: string, requestId: string): void {
  send(ctx, status, {
    ErrorResponse: { '@_xmlns': STS_NAMESPACE, Error: { Type: flavour.errorType(status), Code: code, Message: message }, RequestId: requestId },
  });
}

/** AWS timestamps: ISO 8601 in UTC without milliseconds. */
export function awsTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
