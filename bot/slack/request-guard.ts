import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../app/logger.ts';

/** Slack's own limit for a request body is far below Bolt's 4 MB default. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const SIGNATURE_WINDOW_SECONDS = 5 * 60;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * In front of Bolt's HTTP receiver on `POST <eventsPath>`: Bolt reads `body.ssl_check` of whatever the
 * JSON is, so a signed body that is `null` (or a payload that is not an object) would throw inside
 * its request handler, an unhandled rejection, and the request would never be answered. Here the body
 * is read once (Bolt reuses it), and one whose payload is not a JSON object gets 400 if it is signed,
 * 401 if not — bad signatures are always 401, as Bolt answers them. Everything else goes to Bolt.
 */
export function guardEventRequests(
  receiver: HTTPReceiver,
  options: { readonly signingSecret: string; readonly eventsPath: string; readonly logger: Logger },
): void {
  const bolt = receiver.requestListener as Listener;
  const guarded: Listener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== options.eventsPath) return bolt(req, res);
    void readBody(req)
      .then((body) => {
        if (body === 'too_large') return answer(res, 413);
        (req as BufferedRequest).rawBody = body;
        if (payloadIsObject(body, req.headers['content-type'])) return bolt(req, res);
        const signed = signatureValid(req, body, options.signingSecret);
        options.logger.warn(
          { status: signed ? 400 : 401 },
          signed
            ? 'Slack request whose payload is not a JSON object: refused'
            : 'Slack request not signed: refused',
        );
        answer(res, signed ? 400 : 401);
      })
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'Slack request could not be read');
        answer(res, 400);
      });
  };
  (receiver as unknown as { requestListener: Listener }).requestListener = guarded;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** What Bolt will parse: a JSON body, or a form whose `payload` is JSON; a plain form is always an object. */
function payloadIsObject(body: Buffer, contentType: string | undefined): boolean {
  const text = body.toString('utf8');
  let json: string;
  if (contentType === 'application/x-www-form-urlencoded') {
    const payload = parseQuery(text).payload;
    if (typeof payload !== 'string') return true;
    json = payload;
  } else {
    json = text;
  }
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    // Not JSON at all: Bolt answers 400 itself, after checking the signature.
    return true;
  }
}

function signatureValid(req: IncomingMessage, body: Buffer, secret: string): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isInteger(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) return false;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}
