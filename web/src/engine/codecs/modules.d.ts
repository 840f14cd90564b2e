// Type declarations for codec modules that ship none.

// libheif's self-contained ES module, as a URL (codecs/heif.ts loads it by URL so that every worker shares one file).
declare module 'libheif-js/libheif-wasm/libheif-bundle.mjs?url' {
  const url: string;
  export default url;
}
