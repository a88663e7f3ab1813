/**
 * A Server-Sent Events parser for a stream read with `fetch()` (which, unlike `EventSource`,
 * can send an `Authorization` header). Feed it decoded text as it arrives; it returns the
 * events each blank line completes. Follows the HTML spec's rules for `event:`, `data:` and
 * `id:` fields, comment lines (`:`) and CRLF, LF or CR line ends; `retry:` is ignored.
 */
export type StreamEvent = {
  /** The `event:` field, `message` when there was none. */
  type: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
  /** The last `id:` seen on the stream so far (what `Last-Event-ID` resumes from). */
  lastEventId: string;
};

export class EventStreamParser {
  lastEventId: string;
  private buffer = '';
  private started = false;
  private type = '';
  private data: string[] = [];

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  /** Adds decoded text; returns the events it completes. Call with `final` at the stream's end. */
  push(text: string, final = false): StreamEvent[] {
    this.buffer += text;
    if (!this.started && this.buffer) {
      this.started = true;
      if (this.buffer.startsWith('\ufeff')) this.buffer = this.buffer.slice(1);
    }
    const events: StreamEvent[] = [];
    let start = 0;
    for (let index = 0; index < this.buffer.length; index += 1) {
      const char = this.buffer[index];
      if (char !== '\n' && char !== '\r') continue;
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      if (char === '\r' && index === this.buffer.length - 1 && !final) break;
      const event = this.line(this.buffer.slice(start, index));
      if (event) events.push(event);
      if (char === '\r' && this.buffer[index + 1] === '\n') index += 1;
      start = index + 1;
    }
    this.buffer = this.buffer.slice(start);
    // An event the stream ends without a blank line after is incomplete: drop it.
    if (final) {
      this.buffer = '';
      this.type = '';
      this.data = [];
    }
    return events;
  }

  private line(line: string): StreamEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return null;
  }

  private dispatch(): StreamEvent | null {
    const event =
      this.data.length > 0
        ? { type: this.type || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId }
        : null;
    this.type = '';
    this.data = [];
    return event;
  }
}
