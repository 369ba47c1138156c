import { copyTextLine } from '../../src/modules/ingest/reading/copy-text';

describe('copyTextLine (PostgreSQL COPY text format)', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyTextLine(['a\\b', 'c\td', 'e\nf\r', null, 7, true])).toBe('a\\\\b\tc\\td\te\\nf\\r\t\\N\t7\ttrue\n');
  });
  it('writes bytes as bytea hex', () => {
    expect(copyTextLine([Buffer.from([0xde, 0xad])])).toBe('\\\\xdead\n');
  });
});
