// Records the memory of every WebAssembly instance this process makes, so the bench can read Oxigraph's store size.
// Oxigraph's Node build keeps its instance private; imported before oxigraph, this sees the instance being made.

const memories: WebAssembly.Memory[] = [];
const Original = WebAssembly.Instance;

class RecordedInstance extends Original {
  constructor(module: WebAssembly.Module, imports?: WebAssembly.Imports) {
    super(module, imports);
    for (const value of Object.values(this.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
  }
}
WebAssembly.Instance = RecordedInstance;

/** Bytes of WebAssembly memory held by the instances made so far (Oxigraph's only grows, so this is its peak). */
export function wasmMemoryBytes(): number {
  return memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
}
