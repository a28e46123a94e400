/**
 * For a `vi.mock('@huggingface/tokenizers', …)` factory: the library module with `Tokenizer.prototype.encode` wrapped
 * so that every text this thread's tokenizers encode is passed to `seen` first (a worker thread loads its own copy).
 */
export function recordEncodes<T extends typeof import('@huggingface/tokenizers')>(
  library: T,
  seen: (text: string) => void,
): T {
  const encode = library.Tokenizer.prototype.encode;
  library.Tokenizer.prototype.encode = function (this: InstanceType<T['Tokenizer']>, text, options) {
    seen(text);
    return encode.call(this, text, options);
  } as typeof encode;
  return library;
}
