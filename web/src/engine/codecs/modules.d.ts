// Type declarations for codec modules that ship none.
declare module 'libheif-js/libheif-wasm/libheif-bundle.mjs' {
  const factory: (options: Record<string, unknown>) => unknown;
  export default factory;
}
