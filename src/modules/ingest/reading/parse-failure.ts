/** A whole-file problem (unreadable, unmappable, empty): the batch fails with this message, nothing counts. */
export class ParseFailure extends Error {}
