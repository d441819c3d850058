import type { z } from 'zod';
import { AbstractMessageReader, AbstractMessageWriter, ResponseError, type DataCallback, type Disposable, type Message, type MessageConnection } from 'vscode-jsonrpc/node';
import { DispatchError, asDispatchError, type ErrorCode } from '../errors.js';

/** One method of a protocol: what its params and result must look like. */
export interface MethodSpec {
  params: z.ZodType;
  result: z.ZodType;
}
export type MethodMap = Record<string, MethodSpec>;
export type ParamsOf<M extends MethodMap, K extends keyof M> = z.infer<M[K]['params']>;
export type ResultOf<M extends MethodMap, K extends keyof M> = z.infer<M[K]['result']>;

/** JSON-RPC error code for a request whose params failed validation. */
export const INVALID_PARAMS = -32602;
/** JSON-RPC error code for a frame that is not JSON. */
export const PARSE_ERROR = -32700;
/** JSON-RPC error code for JSON that is not a JSON-RPC 2.0 message we take (batches, bad ids, other versions). */
export const INVALID_REQUEST = -32600;
/** How long a request waits for its answer before it fails (a silent link must not hang a caller). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** WebSocket close code for a frame over the size limit (RFC 6455 "message too big"). */
export const MESSAGE_TOO_BIG = 1009;
/** JSON-RPC error code range we use for DispatchError codes. */
const APPLICATION_ERROR = -32000;

/**
 * Registers a handler whose params are validated on arrival; a DispatchError thrown by
 * the handler travels back as a JSON-RPC error carrying its code.
 */
export function handle<M extends MethodMap, K extends keyof M & string>(
  connection: MessageConnection,
  methods: M,
  method: K,
  handler: (params: ParamsOf<M, K>) => Promise<ResultOf<M, K>> | ResultOf<M, K>,
): Disposable {
  return connection.onRequest(method, async (raw: unknown) => {
    const parsed = methods[method]!.params.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The path says which part was wrong ("repos.3.vocabulary.terms"), not only how.
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return new ResponseError(INVALID_PARAMS, `Invalid params for ${method}: ${where}${issue?.message ?? 'bad shape'}`);
    }
    try {
      return await handler(parsed.data as ParamsOf<M, K>);
    } catch (thrown) {
      const error = asDispatchError(thrown);
      return new ResponseError(APPLICATION_ERROR, error.message, { code: error.code });
    }
  });
}

/** Sends a request and validates the answer; errors come back as DispatchError. */
export async function call<M extends MethodMap, K extends keyof M & string>(
  connection: MessageConnection,
  methods: M,
  method: K,
  params: ParamsOf<M, K>,
  options: { timeoutMs?: number } = {},
): Promise<ResultOf<M, K>> {
  let raw: unknown;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DispatchError('offline', `No answer to ${method} within ${Math.round(timeoutMs / 100) / 10} s: the link looks dead.`)), timeoutMs);
    timer.unref?.();
  });
  try {
    raw = await Promise.race([connection.sendRequest(method, params), timeout]);
  } catch (thrown) {
    if (thrown instanceof ResponseError) {
      const code = (thrown.data as { code?: ErrorCode } | undefined)?.code ?? 'internal';
      throw new DispatchError(code, thrown.message);
    }
    throw asDispatchError(thrown);
  } finally {
    clearTimeout(timer);
  }
  const parsed = methods[method]!.result.safeParse(raw);
  if (!parsed.success) throw new DispatchError('internal', `Unexpected answer to ${method}`);
  return parsed.data as ResultOf<M, K>;
}

/** The part of a WebSocket (the `ws` package's, or a browser's) that the adapter needs. */
export interface MessageSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Reads one JSON-RPC 2.0 message per WebSocket text frame. What vscode-jsonrpc would
 * silently drop or mishandle — a frame that is not JSON, a batch, an id that is null or
 * an object, another `jsonrpc` version — is answered here with a JSON-RPC error, so the
 * sender learns what was wrong. A frame over `maxFrameBytes` closes the socket with a
 * reason a person can read (WebSocket close code 1009).
 */
export class SocketMessageReader extends AbstractMessageReader {
  constructor(
    private readonly socket: MessageSocket,
    private readonly options: { maxFrameBytes?: number } = {},
  ) {
    super();
    socket.on('close', () => this.fireClose());
    socket.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (data: unknown): void => {
      const size = frameSize(data);
      const max = this.options.maxFrameBytes;
      if (max !== undefined && size > max) {
        this.socket.close(MESSAGE_TOO_BIG, tooBigReason(size, max));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        this.refuse(null, PARSE_ERROR, 'Parse error: the frame is not JSON.');
        return;
      }
      const problem = invalidMessage(parsed);
      if (problem === undefined) callback(parsed as Message);
      else if (problem.answer) this.refuse(problem.id, INVALID_REQUEST, problem.message);
    };
    this.socket.on('message', onMessage);
    return { dispose: () => undefined };
  }

  private refuse(id: string | number | null, code: number, message: string): void {
    try {
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
    } catch {
      // The socket is closing: nobody is left to tell.
    }
  }
}

/** The close reason for an oversized frame (at most 123 bytes, as WebSocket requires). */
export function tooBigReason(size: number, max: number): string {
  return `Message too large (${size} bytes; at most ${max}).`;
}

function frameSize(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return Buffer.byteLength(String(data));
}

/**
 * Why a parsed frame is not a message we take; undefined when it is fine. Responses are
 * never answered (two peers must not trade errors about errors forever).
 */
function invalidMessage(value: unknown): { answer: boolean; id: string | number | null; message: string } | undefined {
  if (Array.isArray(value)) return { answer: true, id: null, message: 'Batches are not supported: send one JSON-RPC message per frame.' };
  if (typeof value !== 'object' || value === null) return { answer: true, id: null, message: 'A JSON-RPC message must be a JSON object.' };
  const message = value as { jsonrpc?: unknown; id?: unknown; method?: unknown };
  const isRequest = typeof message.method === 'string';
  const hasId = 'id' in message;
  const idOk = typeof message.id === 'string' || typeof message.id === 'number';
  const id = idOk ? (message.id as string | number) : null;
  if (message.jsonrpc !== '2.0') return { answer: isRequest || !hasId, id, message: `Only JSON-RPC 2.0 is spoken here ("jsonrpc": "2.0"), not ${JSON.stringify(message.jsonrpc ?? null)}.` };
  if (!isRequest) {
    // A response: null ids are legal on error responses; anything else malformed is dropped.
    if (hasId && !idOk && message.id !== null) return { answer: false, id: null, message: 'bad response id' };
    if (message.id === null) return { answer: false, id: null, message: 'error response without an id' };
    if (!hasId) return { answer: true, id: null, message: 'A JSON-RPC message needs a "method" (request or notification) or an "id" (response).' };
    return undefined;
  }
  if (hasId && !idOk) return { answer: true, id: null, message: 'The id must be a string or a number.' };
  return undefined;
}

/** Writes one JSON-RPC message per WebSocket text frame. */
export class SocketMessageWriter extends AbstractMessageWriter {
  constructor(private readonly socket: MessageSocket) {
    super();
  }

  async write(message: Message): Promise<void> {
    try {
      this.socket.send(JSON.stringify(message));
    } catch (error) {
      this.fireError(error, message, undefined);
      throw error;
    }
  }

  end(): void {}
}
