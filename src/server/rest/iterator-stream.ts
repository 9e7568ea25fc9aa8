/**
 * A response body that pulls `iterator` one value at a time (so a slow reader slows the producer) and encodes
 * each value; when the client goes away the iterator is closed (`return`), ending its `finally` blocks.
 */
export function iteratorStream<T>(
  iterator: AsyncIterator<T>,
  encode: (value: T) => Uint8Array,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encode(next.value));
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}
