/**
 * What the engine finds in a browser worker and Node lacks: ImageData (the codecs return it). A
 * plain holder of the same shape is enough for the tests.
 */

class NodeImageData {
  readonly colorSpace = 'srgb';
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

globalThis.ImageData ??= NodeImageData as unknown as typeof ImageData;
