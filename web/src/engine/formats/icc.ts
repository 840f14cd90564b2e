/** ICC colour profiles: a strip keeps them (so colours don't shift); inspect names them (mirrors icc.py). */

import { type Bytes, latin1, readU32, untilNul, utf16 } from './binary';
import { trim } from './findings';

/** The profile's 'desc' text ("Display P3", "sRGB IEC61966-2.1"), or null if unreadable. */
export function description(profile: Bytes): string | null {
  if (profile.length < 132) return null;
  const count = readU32(profile, 128, false);
  for (let i = 0; i < Math.min(count, 200); i++) {
    const pos = 132 + 12 * i;
    if (pos + 12 > profile.length) return null;
    const sig = latin1(profile.subarray(pos, pos + 4));
    const off = readU32(profile, pos + 4, false);
    const size = readU32(profile, pos + 8, false);
    if (sig !== 'desc' || off + size > profile.length || size < 12) continue;
    const tag = profile.subarray(off, off + size);
    const kind = latin1(tag.subarray(0, 4));
    if (kind === 'desc') {
      const n = readU32(tag, 8, false);
      return trim(latin1(untilNul(tag.subarray(12, 12 + n)))) || null;
    }
    if (kind === 'mluc' && size >= 28) {
      const records = readU32(tag, 8, false);
      const recSize = readU32(tag, 12, false);
      if (records < 1 || recSize < 12) return null;
      const length = readU32(tag, 20, false);
      const start = readU32(tag, 24, false);
      return trim(utf16(tag.subarray(start, start + length), false).replaceAll('\x00', '')) || null;
    }
    return null;
  }
  return null;
}
