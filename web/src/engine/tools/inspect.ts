/** Inspect: what private data a file carries, without changing it (mirrors tools/inspect.py). */

import type { Bytes } from '../formats/binary';
import type { Inspection } from '../formats/findings';
import { openPhoto } from '../imaging/photo';

export function inspect(data: Bytes): Inspection {
  return openPhoto(data, { bmp: false }).inspection;
}
