/**
 * A file the import cannot use at all (a header without the columns the format needs, a type the format
 * does not carry): the import fails with this code and sentence. Row problems are plan entries instead.
 */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}
