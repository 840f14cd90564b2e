/** MozJPEG's decoder and encoder (@jsquash/jpeg) under Node: their wasm read from node_modules. */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode';
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode';
import type { EncodeOptions } from '@jsquash/jpeg/meta';

const resolve = createRequire(import.meta.url).resolve;
let ready: Promise<void> | null = null;

function load(): Promise<void> {
  return (ready ??= (async () => {
    const wasm = (file: string): Promise<WebAssembly.Module> => WebAssembly.compile(readFileSync(resolve(`@jsquash/jpeg/codec/${file}`)));
    await initDecoder(await wasm('dec/mozjpeg_dec.wasm'));
    await initEncoder(await wasm('enc/mozjpeg_enc.wasm'));
  })());
}

/** RGBA pixels of a JPEG (libjpeg-turbo's decoder, as MozJPEG builds it). */
export async function decode(data: Uint8Array): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  await load();
  return decodeJpeg(data.slice().buffer);
}

/** MozJPEG's encoder as the engine runs it (codecs/jpeg.ts `mozjpeg`). */
export async function encode(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, options: Partial<EncodeOptions>): Promise<Uint8Array> {
  await load();
  return new Uint8Array(await encodeJpeg(new ImageData(rgba, width, height), options));
}
