import { describe, expect, it } from 'vitest';
import { ControlErrorCode, MAX_LINE_BYTES, decodeBase64, encodeBase64, parseRequest, serializeMessage } from './protocol.js';

describe('parseRequest: bad input becomes an error response with a stable code', () => {
  const cases: [name: string, line: string, code: string, id: string | number | null][] = [
    ['not JSON', '{"id":1,', ControlErrorCode.NOT_JSON, null],
    ['empty string', '', ControlErrorCode.NOT_JSON, null],
    ['a JSON array', '[1,2]', ControlErrorCode.NOT_OBJECT, null],
    ['a JSON number', '42', ControlErrorCode.NOT_OBJECT, null],
    ['JSON null', 'null', ControlErrorCode.NOT_OBJECT, null],
    ['missing id', '{"op":"status"}', ControlErrorCode.BAD_ID, null],
    ['object id', '{"id":{},"op":"status"}', ControlErrorCode.BAD_ID, null],
    ['missing op', '{"id":1}', ControlErrorCode.UNKNOWN_OP, 1],
    ['unknown op', '{"id":"x","op":"reboot"}', ControlErrorCode.UNKNOWN_OP, 'x'],
    ['op not a string', '{"id":2,"op":7}', ControlErrorCode.UNKNOWN_OP, 2],
    ['connect without port', '{"id":3,"op":"connect","ip":"192.0.2.2"}', ControlErrorCode.BAD_FIELD, 3],
    ['connect with port 0', '{"id":3,"op":"connect","ip":"192.0.2.2","port":0}', ControlErrorCode.BAD_FIELD, 3],
    ['connect with a string port', '{"id":3,"op":"connect","ip":"192.0.2.2","port":"80"}', ControlErrorCode.BAD_FIELD, 3],
    ['connect with a numeric ip', '{"id":3,"op":"connect","ip":5,"port":80}', ControlErrorCode.BAD_FIELD, 3],
    ['listen with port 65536', '{"id":4,"op":"listen","port":65536}', ControlErrorCode.BAD_FIELD, 4],
    ['listen with a fractional backlog', '{"id":4,"op":"listen","port":80,"backlog":1.5}', ControlErrorCode.BAD_FIELD, 4],
    ['accept without listener', '{"id":5,"op":"accept"}', ControlErrorCode.BAD_FIELD, 5],
    ['send without data', '{"id":6,"op":"send","socket":"s1"}', ControlErrorCode.BAD_FIELD, 6],
    ['send with data not a string', '{"id":6,"op":"send","socket":"s1","data":[1]}', ControlErrorCode.BAD_FIELD, 6],
    ['send with bad base64 characters', '{"id":6,"op":"send","socket":"s1","data":"ab$d"}', ControlErrorCode.BAD_BASE64, 6],
    ['send with unpadded base64', '{"id":6,"op":"send","socket":"s1","data":"abc"}', ControlErrorCode.BAD_BASE64, 6],
    ['receive with a negative max', '{"id":7,"op":"receive","socket":"s1","max":-1}', ControlErrorCode.BAD_FIELD, 7],
    ['close with socket and listener', '{"id":8,"op":"close","socket":"s1","listener":"l1"}', ControlErrorCode.BAD_FIELD, 8],
    ['close with neither', '{"id":8,"op":"close"}', ControlErrorCode.BAD_FIELD, 8],
    ['abort with an empty socket id', '{"id":9,"op":"abort","socket":""}', ControlErrorCode.BAD_FIELD, 9],
    ['status with a numeric socket', '{"id":10,"op":"status","socket":1}', ControlErrorCode.BAD_FIELD, 10],
    ['a line over 1 MiB', `{"id":1,"op":"status","pad":"${'x'.repeat(MAX_LINE_BYTES)}"}`, ControlErrorCode.LINE_TOO_LONG, null],
  ];
  it.each(cases)('%s', (_name, line, code, id) => {
    const r = parseRequest(line);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ id, ok: false, error: { code } });
    expect(r.error.error.message.length).toBeGreaterThan(0);
  });

  it('a line of exactly 1 MiB is accepted; multi-byte characters count as bytes', () => {
    const head = '{"id":1,"op":"status","pad":"';
    const fill = MAX_LINE_BYTES - head.length - 2;
    expect(parseRequest(`${head}${'x'.repeat(fill)}"}`).ok).toBe(true);
    // 'é' is two bytes in UTF-8: the same character count is now over the limit
    const r = parseRequest(`${head}é${'x'.repeat(fill - 1)}"}`);
    expect(r.ok ? undefined : r.error.error.code).toBe(ControlErrorCode.LINE_TOO_LONG);
  });
});

describe('parseRequest: good input', () => {
  it('parses every op into its typed request', () => {
    expect(parseRequest('{"id":1,"op":"connect","ip":"192.0.2.2","port":80}')).toEqual({ ok: true, request: { id: 1, op: 'connect', ip: '192.0.2.2', port: 80 } });
    expect(parseRequest('{"id":"a","op":"listen","port":80,"backlog":4}')).toEqual({ ok: true, request: { id: 'a', op: 'listen', port: 80, backlog: 4 } });
    expect(parseRequest('{"id":2,"op":"accept","listener":"l1"}')).toEqual({ ok: true, request: { id: 2, op: 'accept', listener: 'l1' } });
    expect(parseRequest('{"id":3,"op":"send","socket":"s1","data":"aGk="}')).toEqual({ ok: true, request: { id: 3, op: 'send', socket: 's1', data: new Uint8Array([0x68, 0x69]) } });
    expect(parseRequest('{"id":4,"op":"receive","socket":"s1","max":10}')).toEqual({ ok: true, request: { id: 4, op: 'receive', socket: 's1', max: 10 } });
    expect(parseRequest('{"id":5,"op":"receive","socket":"s1"}')).toEqual({ ok: true, request: { id: 5, op: 'receive', socket: 's1' } });
    expect(parseRequest('{"id":6,"op":"close","socket":"s1"}')).toEqual({ ok: true, request: { id: 6, op: 'close', socket: 's1' } });
    expect(parseRequest('{"id":7,"op":"close","listener":"l1"}')).toEqual({ ok: true, request: { id: 7, op: 'close', listener: 'l1' } });
    expect(parseRequest('{"id":8,"op":"abort","socket":"s1"}')).toEqual({ ok: true, request: { id: 8, op: 'abort', socket: 's1' } });
    expect(parseRequest('{"id":9,"op":"status"}')).toEqual({ ok: true, request: { id: 9, op: 'status' } });
    expect(parseRequest('{"id":9,"op":"status","socket":"s2"}')).toEqual({ ok: true, request: { id: 9, op: 'status', socket: 's2' } });
  });

  it('empty base64 is empty data; base64 round-trips', () => {
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
  });

  it('serializeMessage writes one line', () => {
    expect(serializeMessage({ event: 'end', socket: 's1' })).toBe('{"event":"end","socket":"s1"}\n');
  });
});
