/** Where a batch's files live in the file store. */
export function batchFiles(batchId: string) {
  return {
    upload: `batches/${batchId}/upload`,
    rejections: `batches/${batchId}/rejections.csv`,
  };
}
