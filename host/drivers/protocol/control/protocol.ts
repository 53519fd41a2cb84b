/**
 * The control channel's message schema: one JSON object per line (UTF-8, '\n'-terminated).
 * Requests carry an `id` (string or number) and an `op`; every request gets exactly one
 * response with the same `id`. Events are unsolicited and carry `event` instead of `id`.
 *
 * `parseRequest` is pure and never throws: bad input (not JSON, not an object, unknown op,
 * missing or ill-typed fields, an oversize line, bad base64) becomes an error response with a
 * stable code from `ControlErrorCode`.
 */
import type { StackErrorCode } from '../errors.js';

/** Longest accepted line in bytes, without the newline (1 MiB). */
export const MAX_LINE_BYTES = 1 << 20;

export const ControlErrorCode = Object.freeze({
  /** the line is not valid JSON */
  NOT_JSON: 'FLUE_CTL_NOT_JSON',
  /** the line is JSON but not an object */
  NOT_OBJECT: 'FLUE_CTL_NOT_OBJECT',
  /** `id` is missing or neither a string nor a finite number */
  BAD_ID: 'FLUE_CTL_BAD_ID',
  /** `op` is missing or not one the channel knows */
  UNKNOWN_OP: 'FLUE_CTL_UNKNOWN_OP',
  /** a field is missing, of the wrong type or out of range */
  BAD_FIELD: 'FLUE_CTL_BAD_FIELD',
  /** the line is longer than MAX_LINE_BYTES */
  LINE_TOO_LONG: 'FLUE_CTL_LINE_TOO_LONG',
  /** `data` is not canonical base64 */
  BAD_BASE64: 'FLUE_CTL_BAD_BASE64',
  /** no socket with that id on this channel */
  NO_SUCH_SOCKET: 'FLUE_CTL_NO_SUCH_SOCKET',
  /** no listener with that id on this channel */
  NO_SUCH_LISTENER: 'FLUE_CTL_NO_SUCH_LISTENER',
  /** listenUnix: the path is held by a live server */
  PATH_IN_USE: 'FLUE_CTL_PATH_IN_USE',
  /** listenUnix: the path exists and is not a socket (it is never removed) */
  NOT_A_SOCKET: 'FLUE_CTL_NOT_A_SOCKET',
  /** an unexpected failure while serving the request (a bug) */
  INTERNAL: 'FLUE_CTL_INTERNAL',
} as const);
export type ControlErrorCode = (typeof ControlErrorCode)[keyof typeof ControlErrorCode];

/** Codes an error response may carry: the channel's own or the stack's (`FLUE_TCP_*`). */
export type ErrorCode = ControlErrorCode | StackErrorCode;

export type RequestId = string | number;

/** Socket ids are `s<n>`, listener ids `l<n>`, unique per channel. */
export type SocketId = string;
export type ListenerId = string;

export type Request =
  | { id: RequestId; op: 'connect'; ip: string; port: number }
  | { id: RequestId; op: 'listen'; port: number; backlog?: number }
  | { id: RequestId; op: 'accept'; listener: ListenerId }
  | { id: RequestId; op: 'send'; socket: SocketId; data: Uint8Array }
  | { id: RequestId; op: 'receive'; socket: SocketId; max?: number }
  | { id: RequestId; op: 'close'; socket: SocketId }
  | { id: RequestId; op: 'close'; listener: ListenerId }
  | { id: RequestId; op: 'abort'; socket: SocketId }
  | { id: RequestId; op: 'status'; socket?: SocketId };

export type Op = Request['op'];
export const OPS: readonly Op[] = Object.freeze(['connect', 'listen', 'accept', 'send', 'receive', 'close', 'abort', 'status'] as const);

export interface SocketStatus {
  socket: SocketId;
  state: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  readable: number;
  writable: number;
  unacknowledged: number;
  ended: boolean;
  closed: boolean;
  error?: ErrorBody;
}

export interface StackStatus {
  ip: string;
  connections: number;
  sockets: SocketId[];
  listeners: ListenerId[];
}

/** The `result` of a successful response, by op. */
export interface ResultMap {
  connect: { socket: SocketId; localPort: number };
  listen: { listener: ListenerId; port: number };
  /** `socket` is null when no connection is waiting */
  accept: { socket: SocketId | null; remoteIp?: string; remotePort?: number };
  /** `accepted` < data length means the send buffer is full: wait for 'drain' */
  send: { accepted: number };
  /** `data` is base64; `ended` is true once the peer's FIN is reached and nothing is left */
  receive: { data: string; ended: boolean };
  close: Record<string, never>;
  abort: Record<string, never>;
  status: SocketStatus | StackStatus;
}
export type Result = ResultMap[Op];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Response =
  | { id: RequestId; ok: true; result: Result }
  /** `id` is null when the request's id could not be read */
  | { id: RequestId | null; ok: false; error: ErrorBody };

export type ErrorResponse = Extract<Response, { ok: false }>;

export type Event =
  | { event: 'connect'; socket: SocketId }
  | { event: 'data'; socket: SocketId; readable: number }
  | { event: 'drain'; socket: SocketId; writable: number }
  | { event: 'end'; socket: SocketId }
  | { event: 'close'; socket: SocketId; error?: ErrorBody }
  | { event: 'connection'; listener: ListenerId; pending: number };

export type Message = Response | Event;

export type ParseResult = { ok: true; request: Request } | { ok: false; error: ErrorResponse };

/** One message as a line (with its trailing newline). */
export function serializeMessage(m: Message): string {
  return `${JSON.stringify(m)}\n`;
}

export function errorResponse(id: RequestId | null, code: ErrorCode, message: string): ErrorResponse {
  return { id, ok: false, error: { code, message } };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 to bytes, or undefined. */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (!BASE64.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

type Fields = Record<string, unknown>;

class FieldError {
  constructor(readonly code: ControlErrorCode, readonly message: string) {}
}

function isPlainObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Fields, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) throw new FieldError(ControlErrorCode.BAD_FIELD, `'${k}' must be a non-empty string`);
  return v;
}

function int(o: Fields, k: string, min: number, max: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new FieldError(ControlErrorCode.BAD_FIELD, `'${k}' must be an integer ${min} to ${max}`);
  return v;
}

function optInt(o: Fields, k: string, min: number, max: number): number | undefined {
  return o[k] === undefined ? undefined : int(o, k, min, max);
}

function build(id: RequestId, op: Op, o: Fields): Request {
  switch (op) {
    case 'connect':
      return { id, op, ip: str(o, 'ip'), port: int(o, 'port', 1, 65535) };
    case 'listen': {
      const backlog = optInt(o, 'backlog', 1, 65535);
      return backlog === undefined ? { id, op, port: int(o, 'port', 1, 65535) } : { id, op, port: int(o, 'port', 1, 65535), backlog };
    }
    case 'accept':
      return { id, op, listener: str(o, 'listener') };
    case 'send': {
      const socket = str(o, 'socket');
      if (typeof o.data !== 'string') throw new FieldError(ControlErrorCode.BAD_FIELD, `'data' must be a base64 string`);
      const data = decodeBase64(o.data);
      if (data === undefined) throw new FieldError(ControlErrorCode.BAD_BASE64, `'data' is not canonical base64`);
      return { id, op, socket, data };
    }
    case 'receive': {
      const max = optInt(o, 'max', 0, Number.MAX_SAFE_INTEGER);
      return max === undefined ? { id, op, socket: str(o, 'socket') } : { id, op, socket: str(o, 'socket'), max };
    }
    case 'close':
      if (o.socket !== undefined && o.listener !== undefined) throw new FieldError(ControlErrorCode.BAD_FIELD, `'close' takes 'socket' or 'listener', not both`);
      return o.listener !== undefined ? { id, op, listener: str(o, 'listener') } : { id, op, socket: str(o, 'socket') };
    case 'abort':
      return { id, op, socket: str(o, 'socket') };
    case 'status':
      return o.socket === undefined ? { id, op } : { id, op, socket: str(o, 'socket') };
  }
}

/** Validates one line (without its newline) into a typed request or an error response. */
export function parseRequest(line: string): ParseResult {
  const fail = (id: RequestId | null, code: ErrorCode, message: string): ParseResult => ({ ok: false, error: errorResponse(id, code, message) });
  if (line.length > MAX_LINE_BYTES || Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) return fail(null, ControlErrorCode.LINE_TOO_LONG, `line longer than ${MAX_LINE_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return fail(null, ControlErrorCode.NOT_JSON, 'line is not valid JSON');
  }
  if (!isPlainObject(v)) return fail(null, ControlErrorCode.NOT_OBJECT, 'a request must be a JSON object');
  const id = v.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) return fail(null, ControlErrorCode.BAD_ID, `'id' must be a string or a finite number`);
  const op = v.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) return fail(id, ControlErrorCode.UNKNOWN_OP, `unknown op ${JSON.stringify(op) ?? 'undefined'}; expected one of ${OPS.join(', ')}`);
  try {
    return { ok: true, request: build(id, op as Op, v) };
  } catch (e) {
    if (e instanceof FieldError) return fail(id, e.code, `${op}: ${e.message}`);
    throw e;
  }
}
