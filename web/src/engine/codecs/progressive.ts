/**
 * Lossless sequential → progressive JPEG rewriting (what `jpegtran -progressive` does), for the
 * engine's JPEG path (see jpeg.ts): MozJPEG encodes horizontal bands of the image sequentially —
 * trellis quantisation, but none of its costly progressive scan search — and this module reads the
 * bands' quantised DCT coefficients back, stacks them into one image and writes them as one
 * progressive JPEG with a scan script chosen by exact bit counts and optimal Huffman tables per scan.
 *
 * The pixels are MozJPEG's (the coefficients are copied, never requantised); only the entropy coding
 * is redone. Input: JPEGs as MozJPEG writes them (SOF0/SOF1, Huffman, no restart intervals, one
 * interleaved scan); anything else is refused with an Error, and the caller falls back to MozJPEG.
 */

// ---- reading a sequential JPEG ------------------------------------------------------------------

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  /** Blocks per row / rows of blocks in the MCU-padded grid (what an interleaved scan codes). */
  gridW: number;
  gridH: number;
}

interface Sequential {
  width: number;
  height: number;
  precision: number;
  comps: Component[];
  hmax: number;
  vmax: number;
  /** Segments to copy to the output before the frame header: APP0 (JFIF) and DQT, as bytes. */
  head: Uint8Array[];
  dqt: Uint8Array[];
  /** Per component: gridW × gridH blocks of 64 coefficients in zigzag order. */
  coefs: Int16Array[];
  /** Per component and block: zigzag index of the last non-zero coefficient (0 when only DC). */
  last: Uint8Array[];
}

interface DecodeTable {
  lookup: Uint16Array; // 9-bit lookahead: (length << 8) | symbol, 0 = longer code
  maxcode: Int32Array; // per length 1..16 (index 17 = sentinel)
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

const LOOKAHEAD = 9;

function decodeTable(counts: Uint8Array, values: Uint8Array): DecodeTable {
  const lookup = new Uint16Array(1 << LOOKAHEAD);
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let p = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    valptr[len] = p;
    mincode[len] = code;
    for (let i = 0; i < n; i++, p++, code++) {
      if (len <= LOOKAHEAD) {
        const shift = LOOKAHEAD - len;
        const base = code << shift;
        for (let j = 0; j < 1 << shift; j++) lookup[base + j] = (len << 8) | values[p]!;
      }
    }
    maxcode[len] = n ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { lookup, maxcode, valptr, mincode, values };
}

class BitReader {
  private buf = 0; // up to 32 bits, MSB first, in the low `bits` bits
  private bits = 0;
  constructor(
    private readonly data: Uint8Array,
    private pos: number,
  ) {}

  private fill(): void {
    while (this.bits <= 24) {
      let b = 0;
      const d = this.data;
      if (this.pos < d.length) {
        b = d[this.pos]!;
        if (b === 0xff) {
          const next = d[this.pos + 1];
          if (next === 0) this.pos += 2;
          else b = 0; // a marker: feed zeros, stay put
        } else this.pos += 1;
      }
      this.buf = ((this.buf << 8) | b) >>> 0;
      this.bits += 8;
    }
  }

  get(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    return (this.buf >>> this.bits) & ((1 << n) - 1);
  }

  decode(t: DecodeTable): number {
    if (this.bits < 16) this.fill();
    const peek = (this.buf >>> (this.bits - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1);
    const hit = t.lookup[peek]!;
    if (hit) {
      this.bits -= hit >> 8;
      return hit & 0xff;
    }
    let len = LOOKAHEAD + 1;
    let code = (this.buf >>> (this.bits - len)) & ((1 << len) - 1);
    while (code > t.maxcode[len]!) {
      len += 1;
      if (len > 16) throw new Error('JPEG: bad Huffman code');
      code = (this.buf >>> (this.bits - len)) & ((1 << len) - 1);
    }
    this.bits -= len;
    return t.values[t.valptr[len]! + code - t.mincode[len]!]!;
  }
}

const extend = (v: number, s: number): number => (v < 1 << (s - 1) ? v - (1 << s) + 1 : v);

function readSequential(data: Uint8Array): Sequential {
  const u16 = (p: number): number => (data[p]! << 8) | data[p + 1]!;
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('JPEG: no SOI');
  let pos = 2;
  const head: Uint8Array[] = [];
  const dqt: Uint8Array[] = [];
  const dc = new Map<number, DecodeTable>();
  const ac = new Map<number, DecodeTable>();
  let frame: Omit<Sequential, 'head' | 'dqt' | 'coefs' | 'last'> | null = null;
  for (;;) {
    if (data[pos] !== 0xff) throw new Error(`JPEG: expected a marker at ${pos}`);
    const marker = data[pos + 1]!;
    const len = u16(pos + 2);
    const seg = data.subarray(pos, pos + 2 + len);
    const body = pos + 4;
    if (marker === 0xe0) head.push(seg);
    else if (marker === 0xdb) dqt.push(seg);
    else if (marker === 0xc0 || marker === 0xc1) {
      const precision = data[body]!;
      const height = u16(body + 1);
      const width = u16(body + 3);
      const n = data[body + 5]!;
      const comps: Component[] = [];
      for (let i = 0; i < n; i++) {
        const p = body + 6 + 3 * i;
        comps.push({ id: data[p]!, h: data[p + 1]! >> 4, v: data[p + 1]! & 15, tq: data[p + 2]!, gridW: 0, gridH: 0 });
      }
      const hmax = Math.max(...comps.map((c) => c.h));
      const vmax = Math.max(...comps.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * hmax));
      const mcusY = Math.ceil(height / (8 * vmax));
      for (const c of comps) {
        c.gridW = mcusX * c.h;
        c.gridH = mcusY * c.v;
      }
      frame = { width, height, precision, comps, hmax, vmax };
    } else if (marker === 0xc4) {
      let p = body;
      while (p < pos + 2 + len) {
        const tc = data[p]! >> 4;
        const th = data[p]! & 15;
        const counts = data.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = decodeTable(counts, data.subarray(p + 17, p + 17 + total));
        (tc === 0 ? dc : ac).set(th, table);
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      if (u16(body) !== 0) throw new Error('JPEG: restart intervals are not supported here');
    } else if (marker === 0xda) {
      if (!frame) throw new Error('JPEG: scan before frame');
      const ns = data[body]!;
      if (ns !== frame.comps.length) throw new Error('JPEG: not a single interleaved scan');
      const tables: [DecodeTable, DecodeTable][] = [];
      for (let i = 0; i < ns; i++) {
        const sel = data[body + 2 + 2 * i]!;
        const d = dc.get(sel >> 4);
        const a = ac.get(sel & 15);
        if (!d || !a) throw new Error('JPEG: missing Huffman table');
        tables.push([d, a]);
      }
      const [coefs, last] = decodeScan(data, pos + 2 + len, frame, tables);
      return { ...frame, head, dqt, coefs, last };
    } else if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xd9) {
      throw new Error(`JPEG: unsupported marker ff${marker.toString(16)}`);
    }
    pos += 2 + len;
  }
}

function decodeScan(
  data: Uint8Array,
  start: number,
  frame: Omit<Sequential, 'head' | 'dqt' | 'coefs' | 'last'>,
  tables: [DecodeTable, DecodeTable][],
): [Int16Array[], Uint8Array[]] {
  const { comps } = frame;
  const coefs = comps.map((c) => new Int16Array(c.gridW * c.gridH * 64));
  const lasts = comps.map((c) => new Uint8Array(c.gridW * c.gridH));
  const pred = new Int32Array(comps.length);
  const reader = new BitReader(data, start);
  const mcusX = comps[0]!.gridW / comps[0]!.h;
  const mcusY = comps[0]!.gridH / comps[0]!.v;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      for (let ci = 0; ci < comps.length; ci++) {
        const c = comps[ci]!;
        const [dcT, acT] = tables[ci]!;
        const out = coefs[ci]!;
        const lastOut = lasts[ci]!;
        for (let by = 0; by < c.v; by++) {
          const rowBase = (my * c.v + by) * c.gridW;
          for (let bx = 0; bx < c.h; bx++) {
            const base = (rowBase + mx * c.h + bx) * 64;
            const s = reader.decode(dcT);
            if (s) pred[ci] = pred[ci]! + extend(reader.get(s), s);
            out[base] = pred[ci]!;
            let lastK = 0;
            for (let k = 1; k < 64; ) {
              const rs = reader.decode(acT);
              const r = rs >> 4;
              const size = rs & 15;
              if (size === 0) {
                if (r !== 15) break;
                k += 16;
                continue;
              }
              k += r;
              if (k > 63) throw new Error('JPEG: coefficient index out of range');
              out[base + k] = extend(reader.get(size), size);
              lastK = k;
              k += 1;
            }
            lastOut[base >> 6] = lastK;
          }
        }
      }
    }
  }
  return [coefs, lasts];
}

// ---- writing a progressive JPEG -----------------------------------------------------------------

class ByteSink {
  buf: Uint8Array;
  len = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
}

/** Emits symbols and bits, either counting them (for table building and cost) or writing them. */
class Coder {
  freq = new Float64Array(257);
  extraBits = 0;
  private code: Uint16Array | null = null;
  private size: Uint8Array | null = null;
  private acc = 0;
  private nacc = 0;
  constructor(private readonly sink: ByteSink | null) {}

  useTable(code: Uint16Array, size: Uint8Array): void {
    this.code = code;
    this.size = size;
  }

  symbol(s: number): void {
    if (this.sink === null) this.freq[s]! += 1;
    else this.put(this.code![s]!, this.size![s]!);
  }

  bits(v: number, n: number): void {
    if (n === 0) return;
    if (this.sink === null) this.extraBits += n;
    else this.put(v & ((1 << n) - 1), n);
  }

  private put(v: number, n: number): void {
    let acc = ((this.acc << n) | v) >>> 0;
    let nacc = this.nacc + n;
    if (nacc >= 8) {
      const sink = this.sink!;
      if (sink.len + 8 > sink.buf.length) sink.reserve(8);
      const buf = sink.buf;
      let len = sink.len;
      while (nacc >= 8) {
        nacc -= 8;
        const byte = (acc >>> nacc) & 0xff;
        buf[len++] = byte;
        if (byte === 0xff) buf[len++] = 0;
      }
      sink.len = len;
      acc &= (1 << nacc) - 1;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  flush(): void {
    if (this.sink && this.nacc > 0) this.put((1 << (8 - this.nacc)) - 1, 8 - this.nacc); // pad with ones
  }
}

/** Optimal JPEG Huffman code lengths for `freq` (libjpeg's jpeg_gen_optimal_table, Annex K.2). */
function optimalTable(freqIn: Float64Array): { counts: Uint8Array; values: Uint8Array } {
  const freq = Float64Array.from(freqIn);
  freq[256] = 1; // reserve one code point so no code is all ones
  const codesize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1;
    let v = Infinity;
    for (let i = 0; i <= 256; i++) if (freq[i]! && freq[i]! <= v) ((v = freq[i]!), (c1 = i));
    let c2 = -1;
    v = Infinity;
    for (let i = 0; i <= 256; i++) if (freq[i]! && freq[i]! <= v && i !== c1) ((v = freq[i]!), (c2 = i));
    if (c2 < 0) break;
    freq[c1]! += freq[c2]!;
    freq[c2] = 0;
    codesize[c1]! += 1;
    while (others[c1]! >= 0) {
      c1 = others[c1]!;
      codesize[c1]! += 1;
    }
    others[c1] = c2;
    codesize[c2]! += 1;
    while (others[c2]! >= 0) {
      c2 = others[c2]!;
      codesize[c2]! += 1;
    }
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codesize[i]) bits[codesize[i]!]! += 1;
  for (let i = 32; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i]! -= 2;
      bits[i - 1]! += 1;
      bits[j + 1]! += 2;
      bits[j]! -= 1;
    }
  }
  let i = 16;
  while (bits[i] === 0) i--;
  bits[i]! -= 1; // drop the reserved code point
  const values: number[] = [];
  for (let len = 1; len <= 32; len++) for (let s = 0; s <= 255; s++) if (codesize[s] === len) values.push(s);
  return { counts: Uint8Array.from(bits.subarray(1, 17)), values: Uint8Array.from(values) };
}

function encodeTable(counts: Uint8Array, values: Uint8Array): { code: Uint16Array; size: Uint8Array } {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let c = 0;
  let p = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]!; i++, p++, c++) {
      code[values[p]!] = c;
      size[values[p]!] = len;
    }
    c <<= 1;
  }
  return { code, size };
}

/** Bits needed to code `freq` with its optimal table, plus the table's own bytes. */
function cost(coder: Coder): number {
  const { counts, values } = optimalTable(coder.freq);
  const lengths = new Uint8Array(256);
  let p = 0;
  for (let len = 1; len <= 16; len++) for (let i = 0; i < counts[len - 1]!; i++) lengths[values[p++]!] = len;
  let bits = coder.extraBits + 8 * (5 + 16 + values.length);
  for (let s = 0; s < 256; s++) bits += coder.freq[s]! * lengths[s]!;
  return bits;
}

const bitLength = (v: number): number => (v === 0 ? 0 : 32 - Math.clz32(v));

interface Scan {
  comp: number;
  ss: number;
  se: number;
  ah: number;
  al: number;
}

interface Plane {
  coefs: Int16Array;
  last: Uint8Array;
  gridW: number;
  /** Blocks that a non-interleaved scan codes. */
  w: number;
  h: number;
}

function codeDc(p: Plane, coder: Coder): void {
  let pred = 0;
  for (let y = 0; y < p.h; y++) {
    for (let x = 0, b = y * p.gridW * 64; x < p.w; x++, b += 64) {
      const v = p.coefs[b]!;
      const diff = v - pred;
      pred = v;
      const mag = diff < 0 ? -diff : diff;
      const n = bitLength(mag);
      coder.symbol(n);
      coder.bits(diff < 0 ? diff - 1 : diff, n);
    }
  }
}

function emitEobRun(coder: Coder, eobrun: number): void {
  const n = bitLength(eobrun) - 1;
  coder.symbol(n << 4);
  coder.bits(eobrun, n);
}

function codeAcFirst(p: Plane, s: Scan, coder: Coder, rowStep = 1): void {
  const { ss, se, al } = s;
  let eobrun = 0;
  const coefs = p.coefs;
  const lastNz = p.last;
  for (let y = 0; y < p.h; y += rowStep) {
    for (let x = 0, b = y * p.gridW * 64; x < p.w; x++, b += 64) {
      // the last coefficient that is non-zero at this Al: everything after it is one EOB
      let last = Math.min(se, lastNz[b >> 6]!);
      while (last >= ss && (coefs[b + last]! < 0 ? -coefs[b + last]! : coefs[b + last]!) >> al === 0) last--;
      if (last < ss) {
        eobrun++;
        if (eobrun === 0x7fff) {
          emitEobRun(coder, eobrun);
          eobrun = 0;
        }
        continue;
      }
      if (eobrun > 0) {
        emitEobRun(coder, eobrun);
        eobrun = 0;
      }
      let r = 0;
      for (let k = ss; k <= last; k++) {
        let v = coefs[b + k]!;
        let bitsVal: number;
        if (v < 0) {
          v = -v >> al;
          bitsVal = ~v;
        } else {
          v >>= al;
          bitsVal = v;
        }
        if (v === 0) {
          r++;
          continue;
        }
        while (r > 15) {
          coder.symbol(0xf0);
          r -= 16;
        }
        const n = bitLength(v);
        coder.symbol((r << 4) + n);
        coder.bits(bitsVal, n);
        r = 0;
      }
      if (last < se) {
        eobrun++;
        if (eobrun === 0x7fff) {
          emitEobRun(coder, eobrun);
          eobrun = 0;
        }
      }
    }
  }
  if (eobrun > 0) emitEobRun(coder, eobrun);
}

const MAX_CORR_BITS = 1000;

/** Successive-approximation refinement of AC coefficients (libjpeg's encode_mcu_AC_refine). */
function codeAcRefine(p: Plane, s: Scan, coder: Coder): void {
  const { ss, se, al } = s;
  const abs = new Int32Array(64);
  const corr = new Uint8Array(MAX_CORR_BITS + 64);
  let eobrun = 0;
  let be = 0; // correction bits pending with the EOB run, in corr[0..be)
  const coefs = p.coefs;
  const lastNz = p.last;
  for (let y = 0; y < p.h; y++) {
    for (let x = 0, b = y * p.gridW * 64; x < p.w; x++, b += 64) {
      let eob = 0;
      let last = 0;
      const end = Math.min(se, lastNz[b >> 6]!);
      for (let k = ss; k <= end; k++) {
        const v = coefs[b + k]!;
        const a = (v < 0 ? -v : v) >> al;
        abs[k] = a;
        if (a !== 0) {
          last = k;
          if (a === 1) eob = k;
        }
      }
      let r = 0;
      let br = 0; // this block's correction bits, in corr[be..be+br)
      let base = be;
      for (let k = ss; k <= last; k++) {
        const a = abs[k]!;
        if (a === 0) {
          r++;
          continue;
        }
        while (r > 15 && k <= eob) {
          if (eobrun > 0) {
            emitEobRun(coder, eobrun);
            eobrun = 0;
            for (let i = 0; i < be; i++) coder.bits(corr[i]!, 1);
            be = 0;
          }
          coder.symbol(0xf0);
          r -= 16;
          for (let i = 0; i < br; i++) coder.bits(corr[base + i]!, 1);
          base = 0;
          br = 0;
        }
        if (a > 1) {
          corr[base + br++] = a & 1;
          continue;
        }
        if (eobrun > 0) {
          emitEobRun(coder, eobrun);
          eobrun = 0;
          for (let i = 0; i < be; i++) coder.bits(corr[i]!, 1);
          be = 0;
        }
        coder.symbol((r << 4) + 1);
        coder.bits(coefs[b + k]! < 0 ? 0 : 1, 1);
        for (let i = 0; i < br; i++) coder.bits(corr[base + i]!, 1);
        base = 0;
        br = 0;
        r = 0;
      }
      if (last < se) r += 1;
      if (r > 0 || br > 0) {
        if (base !== be) corr.copyWithin(be, base, base + br);
        eobrun++;
        be += br;
        if (eobrun === 0x7fff || be > MAX_CORR_BITS - 64 + 1) {
          emitEobRun(coder, eobrun);
          eobrun = 0;
          for (let i = 0; i < be; i++) coder.bits(corr[i]!, 1);
          be = 0;
        }
      }
    }
  }
  if (eobrun > 0) {
    emitEobRun(coder, eobrun);
    for (let i = 0; i < be; i++) coder.bits(corr[i]!, 1);
  }
}

function codeScan(p: Plane, s: Scan, coder: Coder): void {
  if (s.ss === 0) codeDc(p, coder);
  else if (s.ah === 0) codeAcFirst(p, s, coder);
  else codeAcRefine(p, s, coder);
}

/** Candidate AC scripts: [first-scan bands, Al]; a refinement scan over 1-63 follows when Al > 0. */
const LUMA: ReadonlyArray<readonly [ReadonlyArray<readonly [number, number]>, number]> = [
  [[[1, 2], [3, 12], [13, 63]], 1],
  [[[1, 12], [13, 63]], 1],
  [[[1, 8], [9, 63]], 1],
  [[[1, 5], [6, 63]], 1],
];
const CHROMA: ReadonlyArray<readonly [ReadonlyArray<readonly [number, number]>, number]> = [
  [[[1, 63]], 0],
  [[[1, 2], [3, 63]], 0],
  [[[1, 1], [2, 63]], 0],
  [[[1, 5], [6, 63]], 0],
];

/** Candidate scripts are costed on every CHOICE_ROW_STEP-th row of blocks: the ranking, not the size, is needed. */
const CHOICE_ROW_STEP = 3;

/** The cheapest script for one plane, by exact bit counts of each candidate's first scans. */
function chooseScans(p: Plane, comp: number, luma: boolean): Scan[] {
  const cache = new Map<string, number>();
  const first = (ss: number, se: number, al: number): number => {
    const key = `${ss}-${se}-${al}`;
    let bits = cache.get(key);
    if (bits === undefined) {
      const coder = new Coder(null);
      codeAcFirst(p, { comp, ss, se, ah: 0, al }, coder, CHOICE_ROW_STEP);
      bits = cost(coder);
      cache.set(key, bits);
    }
    return bits;
  };
  let best: Scan[] = [];
  let bestBits = Infinity;
  for (const [bands, al] of luma ? LUMA : CHROMA) {
    let bits = 0;
    for (const [ss, se] of bands) bits += first(ss, se, al);
    // the refinement scan is the same for every candidate with this Al: not counted
    if (bits < bestBits) {
      bestBits = bits;
      best = bands.map(([ss, se]) => ({ comp, ss, se, ah: 0, al }));
      if (al > 0) best.push({ comp, ss: 1, se: 63, ah: al, al: al - 1 });
    }
  }
  return best;
}

function segment(marker: number, body: number[] | Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = (body.length + 2) >> 8;
  out[3] = (body.length + 2) & 0xff;
  out.set(body, 4);
  return out;
}

/**
 * One progressive JPEG from sequential JPEG bands of one image (top to bottom; each band but the
 * last a whole number of MCU rows high, all encoded with the same quantisation tables), `width` ×
 * `height` in all.
 */
export function joinToProgressive(bands: Uint8Array[], width: number, height: number): Uint8Array {
  const parts = bands.map(readSequential);
  const first = parts[0]!;
  const same = (a: Uint8Array[], b: Uint8Array[]): boolean => a.length === b.length && a.every((x, i) => x.length === b[i]!.length && x.every((v, j) => v === b[i]![j]));
  for (const part of parts) {
    if (part.width !== width || !same(part.dqt, first.dqt) || part.comps.length !== first.comps.length)
      throw new Error('JPEG bands do not match');
    part.comps.forEach((c, i) => {
      const f = first.comps[i]!;
      if (c.h !== f.h || c.v !== f.v || c.tq !== f.tq || c.id !== f.id) throw new Error('JPEG bands do not match');
    });
  }
  const { comps, hmax, vmax } = first;
  const planes: Plane[] = comps.map((c, ci) => {
    let total = 0;
    for (const part of parts) total += part.coefs[ci]!.length;
    const coefs = parts.length === 1 ? first.coefs[ci]! : new Int16Array(total);
    const last = parts.length === 1 ? first.last[ci]! : new Uint8Array(total / 64);
    if (parts.length > 1) {
      let at = 0;
      for (const part of parts) {
        coefs.set(part.coefs[ci]!, at);
        last.set(part.last[ci]!, at / 64);
        at += part.coefs[ci]!.length;
      }
    }
    return {
      coefs,
      last,
      gridW: c.gridW,
      w: Math.ceil(Math.ceil((width * c.h) / hmax) / 8),
      h: Math.ceil(Math.ceil((height * c.v) / vmax) / 8),
    };
  });
  const scans: Scan[] = comps.map((_, ci) => ({ comp: ci, ss: 0, se: 0, ah: 0, al: 0 }));
  const acScans = comps.map((_, ci) => chooseScans(planes[ci]!, ci, ci === 0));
  // first scans of every component, then the refinement scans (a viewer sharpens in passes)
  for (const list of acScans) scans.push(...list.filter((s) => s.ah === 0));
  for (const list of acScans) scans.push(...list.filter((s) => s.ah !== 0));

  let estimate = 0;
  for (const part of bands) estimate += part.length;
  const sink = new ByteSink(Math.ceil(estimate * 1.05) + 4096);
  sink.bytes(Uint8Array.of(0xff, 0xd8));
  for (const seg of first.head) sink.bytes(seg);
  for (const seg of first.dqt) sink.bytes(seg);
  const sof = [first.precision, height >> 8, height & 0xff, width >> 8, width & 0xff, comps.length];
  for (const c of comps) sof.push(c.id, (c.h << 4) | c.v, c.tq);
  sink.bytes(segment(0xc2, sof));
  for (const s of scans) {
    const plane = planes[s.comp]!;
    const counter = new Coder(null);
    codeScan(plane, s, counter);
    const { counts, values } = optimalTable(counter.freq);
    const tableClass = s.ss === 0 ? 0 : 1;
    sink.bytes(segment(0xc4, [tableClass << 4, ...counts, ...values]));
    sink.bytes(segment(0xda, [1, comps[s.comp]!.id, 0, s.ss, s.se, (s.ah << 4) | s.al]));
    const writer = new Coder(sink);
    const { code, size } = encodeTable(counts, values);
    writer.useTable(code, size);
    codeScan(plane, s, writer);
    writer.flush();
  }
  sink.bytes(Uint8Array.of(0xff, 0xd9));
  return sink.buf.slice(0, sink.len);
}
