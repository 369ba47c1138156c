import { PipeTransform } from '@nestjs/common';
import { InvalidInputError } from './errors';

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. PostgreSQL refuses NUL in
 * text outright (a 500 before this check), and none of these belongs in a slug, a code, a note or a mapping.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The path of the first string in `value` (an object, array or string) that holds a control character, or null. */
export function controlCharacterAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return CONTROL.test(value) ? path || 'value' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterAt(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = controlCharacterAt(key, path) ?? controlCharacterAt(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

export function refuseControlCharacters(value: unknown, what: string): void {
  const at = controlCharacterAt(value);
  if (at) {
    throw new InvalidInputError('control_character', `${what} "${at}" contains an invisible control character (such as NUL). Remove it and try again.`);
  }
}

/** Applied to every route's path parameters, query and JSON or form body before a handler sees them. */
export class RefuseControlCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: { type: string; data?: string }): unknown {
    if (metadata.type === 'param' || metadata.type === 'query' || metadata.type === 'body') {
      refuseControlCharacters(metadata.data ? { [metadata.data]: value } : value, metadata.type === 'body' ? 'The field' : 'The address part');
    }
    return value;
  }
}
