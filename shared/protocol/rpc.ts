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
): Promise<ResultOf<M, K>> {
  let raw: unknown;
  try {
    raw = await connection.sendRequest(method, params);
  } catch (thrown) {
    if (thrown instanceof ResponseError) {
      const code = (thrown.data as { code?: ErrorCode } | undefined)?.code ?? 'internal';
      throw new DispatchError(code, thrown.message);
    }
    throw asDispatchError(thrown);
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

/** Reads one JSON-RPC message per WebSocket text frame. */
export class SocketMessageReader extends AbstractMessageReader {
  constructor(private readonly socket: MessageSocket) {
    super();
    socket.on('close', () => this.fireClose());
    socket.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (data: unknown): void => {
      try {
        callback(JSON.parse(String(data)) as Message);
      } catch (error) {
        // A frame that is not JSON is a protocol error: report it, keep the link.
        this.fireError(error);
      }
    };
    this.socket.on('message', onMessage);
    return { dispose: () => undefined };
  }
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
