/** Where a batch's files live in the file store. */
export function batchFiles(batchId: string) {
  return {
    upload: `batches/${batchId}/upload`,
    rejections: `batches/${batchId}/rejections.csv`,
    /** The rejections of one chunk of the file, joined into `rejections` once every chunk is parsed. */
    rejectionsPart: (chunk: number) => `batches/${batchId}/rejections-${chunk}.csv`,
  };
}
