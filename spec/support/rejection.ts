/** The error `promise` rejects with; throws (failing the test) when it fulfils instead. */
export async function rejection<T = any>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error('expected a rejection');
}
