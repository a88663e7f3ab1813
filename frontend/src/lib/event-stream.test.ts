import { describe, expect, it } from 'vitest';
import { EventStreamParser } from './event-stream';

describe('EventStreamParser', () => {
  it('parses event, data and id fields, ending each event at a blank line', () => {
    const parser = new EventStreamParser();
    expect(parser.push('\ufeffid: 1\nevent: progress\ndata: {"a":1}\n\n: keepalive\n\ndata: plain\n\n')).toEqual([
      { type: 'progress', data: '{"a":1}', lastEventId: '1' },
      { type: 'message', data: 'plain', lastEventId: '1' },
    ]);
  });

  it('joins data lines and accepts CRLF, LF and CR line ends split across chunks', () => {
    const parser = new EventStreamParser('0');
    expect(parser.push('event: x\r')).toEqual([]);
    expect(parser.push('\ndata:one\rdata: two\r\n')).toEqual([]);
    expect(parser.push('\r')).toEqual([]);
    expect(parser.push('\nid: 9\n')).toEqual([{ type: 'x', data: 'one\ntwo', lastEventId: '0' }]);
    expect(parser.lastEventId).toBe('9');
  });

  it('drops an event the stream ends without finishing, and one without data', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: progress\n\n')).toEqual([]);
    expect(parser.push('event: completed\ndata: {}', true)).toEqual([]);
    expect(parser.push('data: next\n\n')).toEqual([{ type: 'message', data: 'next', lastEventId: '' }]);
  });
});
