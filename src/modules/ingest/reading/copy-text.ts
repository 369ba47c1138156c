/**
 * One line of PostgreSQL's COPY text format. Backslash, tab, newline and carriage return must be escaped;
 * null is `\N`. (pg-copy-streams moves bytes; the encoding of a line is ours to do.)
 */
export function copyTextLine(values: (string | number | boolean | null | Buffer)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += copyTextValue(values[i]);
  }
  return line + '\n';
}

function copyTextValue(value: string | number | boolean | null | Buffer): string {
  if (value === null) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
