/**
 * Where each JPEG scan's entropy-coded data really ends (docs/strip.md, "After a scan").
 * AssemblyScript, compiled to one .wasm that both engines run: src/privpix/formats/jpeg_scan.py
 * (wasmtime) and web/src/engine/formats/jpeg-scan.ts (the browser's WebAssembly). Built by
 * `npm run wasm` (web/scripts/build-wasm.ts).
 *
 * A decoder reads a scan's Huffman codes until it has every block of every MCU; bytes after that and
 * before the next marker are never read, so a file can carry anything there. The walk follows the
 * codes without keeping coefficients or running an IDCT: baseline and extended sequential scans
 * (SOF0, SOF1), progressive ones (SOF2: DC first and refinement, AC first and refinement, the last
 * keeping each block's "already nonzero" coefficients as a 64-bit mask), restart intervals,
 * interleaved and single-component scans, a height given by DNL. Anything else (arithmetic,
 * lossless, hierarchical, a code no table has) makes the whole walk "unchecked": the host keeps
 * every scan whole.
 *
 * The host calls `prepare(length, count)`, writes the segment table (count x 5 u32: marker, start,
 * end, payload start, payload end, as jpeg.parse gives them; an SOS segment's end is past its scan
 * data) at the address it returns and the file right after it, then `walk(length, count)`. A result
 * n >= 0 is the number of u32 words at `output()`: per scan with bytes no decoder reads, its start,
 * its kept ranges (count, then start/end pairs) and the hidden ranges among what is dropped (count,
 * then offset/length pairs; fill bytes 0xff alone are dropped without being reported). A result
 * n < 0 means unchecked: -n bytes of ASCII at `output()` say why.
 *
 * Speed: every Huffman table has a 9-bit lookahead table (code length and symbol in one load) and
 * a second one for sequential scans (the bits a code takes with its extra bits, and how many
 * coefficient positions it advances); an AC table used by a sequential scan also gets a 12-bit one
 * that resolves all the codes a window holds at once (`runs`). Bits come from a 64-bit buffer,
 * left-aligned so a lookup is one constant shift, refilled only when fewer than 32 bits are left
 * (enough for any code with its extra bits): four bytes at a time while none is 0xff, else a byte at
 * a time, dropping the 0x00 stuffed after each 0xff and stopping at a marker. The sequential loop,
 * where most photos spend their time, keeps the buffer in locals. Nothing is allocated per block.
 */

// ---- memory: fixed areas after the static data, then the input, then the histories and the output ----

const LOOK: i32 = 9; // lookahead bits
const LOOK_SIZE: i32 = 1 << LOOK;
const RUN_BITS: i32 = 12; // the window of a sequential AC table's several-codes lookup
const RUN_SIZE: i32 = 1 << RUN_BITS;
// one Huffman table: look (u32: length << 8 | symbol, 0 when no code of <= 9 bits starts there),
// fast (u32: sequential entry, see `entry`), maxcode and value offset per length (i32), symbols
const T_LOOK: usize = 0;
const T_FAST: usize = T_LOOK + 4 * LOOK_SIZE;
const T_MAXCODE: usize = T_FAST + 4 * LOOK_SIZE;
const T_VALOFF: usize = T_MAXCODE + 4 * 18;
const T_SYMBOLS: usize = T_VALOFF + 4 * 18;
const T_DEFINED: usize = T_SYMBOLS + 256;
const T_RUNS: usize = T_DEFINED + 8; // AC tables of sequential scans: the codes a 12-bit window holds (`runs`)
const TABLE_BYTES: usize = T_RUNS + 4 * <usize>RUN_SIZE;
const MAX_COMPONENTS: i32 = 10; // libjpeg's limit per frame
const MAX_BLOCKS: i32 = 10; // blocks per MCU (T.81 B.2.3)
// one frame component: identifier, h, v, blocks across, blocks down (single-component scans,
// without MCU padding), the address of its progressive history (a u64 per block)
const C_BYTES: usize = 6 * 4;

const TABLES: usize = (__heap_base + 15) & ~15;
const COMPONENTS: usize = TABLES + 8 * TABLE_BYTES;
const BLOCK_DC: usize = COMPONENTS + <usize>MAX_COMPONENTS * C_BYTES; // per block of an MCU: DC table
const BLOCK_AC: usize = BLOCK_DC + 4 * <usize>MAX_BLOCKS; //                              AC table
const INPUT: usize = (BLOCK_AC + 4 * <usize>MAX_BLOCKS + 15) & ~15;

const SOF0 = 0xc0, SOF1 = 0xc1, SOF2 = 0xc2, DHT = 0xc4, DNL = 0xdc, DRI = 0xdd, SOS = 0xda;

// ---- state of one walk --------------------------------------------------------------------------

let data: usize = 0; // the file
let failure: string = ''; // why the walk stopped (unchecked), empty while it goes on
let failureMarker: i32 = -1; // a marker to name after the failure text, in hex
let outStart: usize = 0;
let outTop: usize = 0;

let frameSeen = false;
let progressive = false;
let width: i32 = 0;
let height: i32 = 0;
let hMax: i32 = 1;
let vMax: i32 = 1;
let components: i32 = 0;
let interval: i32 = 0;

// the scan being walked
let ss: i32 = 0;
let se: i32 = 63;
let ah: i32 = 0;
let mcus: i32 = 0;
let blocks: i32 = 0; // per MCU
let history: usize = 0; // single-component scans: the component's history
let acTable: usize = 0; // single-component AC scans

// the bit reader: `bits` valid bits at the top of `acc` (zeros below); `zeros` bytes of zero bits were fed
// after the data ended at `stop` (a marker, fill bytes, or the end of the scan)
let acc: u64 = 0;
let bits: i32 = 0;
let src: usize = 0;
let stop: usize = 0;
let zeros: i32 = 0;
let eobrun: i32 = 0;

const OK = 0, RAN_OUT = 1, INVALID = 2;
const DEFINED = 1, WITH_RUNS = 2; // a table's T_DEFINED: read from a DHT; its `runs` built too
const INVALID_CODE = 'the entropy-coded data holds a code no Huffman table has';

function fail(why: string, marker: i32 = -1): void {
  if (failure.length == 0) {
    failure = why;
    failureMarker = marker;
  }
}

/** Make memory reach `end` (exclusive); false when it cannot grow. */
function reach(end: usize): bool {
  const have = <usize>memory.size() << 16;
  if (end <= have) return true;
  return memory.grow(<i32>((end - have + 0xffff) >> 16)) >= 0;
}

function emit(value: u32): void {
  if (!reach(outTop + 4)) {
    fail('the image is too large to check');
    return;
  }
  store<u32>(outTop, value);
  outTop += 4;
}

@inline function u8at(offset: i32): i32 {
  return <i32>load<u8>(data + <usize>offset);
}

@inline function u16at(offset: i32): i32 {
  return (u8at(offset) << 8) | u8at(offset + 1);
}

@inline function ceilDiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

// ---- Huffman tables -------------------------------------------------------------------------------

@inline function table(cls: i32, id: i32): usize {
  return TABLES + <usize>(cls * 4 + id) * TABLE_BYTES;
}

/**
 * What a sequential scan needs of a code of `length` bits and `symbol`: the bits it takes with its
 * extra bits, | (AC tables) the coefficient positions it advances << 8 (64 for end of block, so the
 * block ends). 0 for a DC size no decoder accepts.
 */
function entry(cls: i32, length: i32, symbol: i32): u32 {
  const size = symbol & 15;
  if (cls == 0) return symbol > 15 ? 0 : <u32>(length + symbol);
  const run = symbol >> 4;
  if (size) return <u32>((length + size) | ((run + 1) << 8));
  return <u32>(length | ((run == 15 ? 16 : 64) << 8));
}

function readTables(start: i32, end: i32): void {
  let pos = start;
  while (pos < end) {
    if (pos + 17 > end) return fail('a Huffman table is cut short');
    const kind = u8at(pos);
    let total = 0;
    for (let i = 1; i <= 16; i++) total += u8at(pos + i);
    if (pos + 17 + total > end || total > 256 || kind >> 4 > 1 || (kind & 15) > 3) {
      return fail('a Huffman table is cut short or has an invalid class or number');
    }
    const cls = kind >> 4;
    const t = table(cls, kind & 15);
    memory.fill(t, 0, TABLE_BYTES);
    const symbols = pos + 17;
    let code = 0, k = 0;
    for (let length = 1; length <= 16; length++) {
      const n = u8at(pos + length);
      store<i32>(t + T_VALOFF + 4 * <usize>length, k - code);
      store<i32>(t + T_MAXCODE + 4 * <usize>length, n ? code + n - 1 : -1);
      for (let i = 0; i < n; i++) {
        const symbol = u8at(symbols + k);
        store<u8>(t + T_SYMBOLS + <usize>k, <u8>symbol);
        if (length <= LOOK) {
          const first = code << (LOOK - length), last = (code + 1) << (LOOK - length);
          const fast = entry(cls, length, symbol);
          for (let j = first; j < last; j++) {
            store<u32>(t + T_LOOK + 4 * <usize>j, <u32>((length << 8) | symbol));
            store<u32>(t + T_FAST + 4 * <usize>j, fast);
          }
        }
        code += 1;
        k += 1;
      }
      if (code > 1 << length) return fail('a Huffman table has more codes than its lengths allow');
      code <<= 1;
    }
    store<u32>(t + T_DEFINED, DEFINED);
    pos += 17 + total;
  }
}

/** length << 8 | symbol of the code at the top of `next` (16 bits), or 0 when none starts there. */
function codeOf(t: usize, next: i32): u32 {
  const short = load<u32>(t + T_LOOK + 4 * <usize>(next >> (16 - LOOK)));
  if (short) return short;
  for (let length = LOOK + 1; length <= 16; length++) {
    const code = next >> (16 - length);
    if (code <= load<i32>(t + T_MAXCODE + 4 * <usize>length)) {
      return <u32>((length << 8) | load<u8>(t + T_SYMBOLS + <usize>(load<i32>(t + T_VALOFF + 4 * <usize>length) + code)));
    }
  }
  return 0;
}

/**
 * For each 12-bit window of a sequential AC scan, what the codes it starts with do, taken together:
 * the bits they take with their extra bits (the first code's may reach past the window; the others
 * are whole inside it), | the positions they advance << 16 (an end of block counting 64, so the
 * block ends), | << 8 the least position left they need: the advance without an end of block, plus
 * one when there is one (an end of block right after the block is full belongs to the next block).
 * 0 when no code of <= 12 bits starts the window.
 */
function runs(t: usize): void {
  for (let window = 0; window < RUN_SIZE; window++) {
    let used = 0, advance = 0, end = 0;
    while (used < RUN_BITS && advance < 64 && !end) {
      const code = codeOf(t, ((window << (16 - RUN_BITS + used)) & 0xffff));
      const length = <i32>(code >> 8), symbol = <i32>code & 255;
      const run = symbol >> 4, size = symbol & 15;
      if (!code || used + length > RUN_BITS || (used && used + length + size > RUN_BITS)) break;
      used += length + size;
      if (size) advance += run + 1;
      else if (run == 15) advance += 16;
      else end = 1;
    }
    store<u32>(t + T_RUNS + 4 * <usize>window, used ? <u32>(used | ((advance + end) << 8) | ((advance + 64 * end) << 16)) : 0);
  }
}

// ---- the bit reader --------------------------------------------------------------------------------

/** At least 32 bits in the buffer: 0xff 0x00 gives 0xff; any other 0xff ends the data (zeros follow). */
function fill(): void {
  let a = acc, n = bits, s = src;
  while (n <= 56) {
    let c: u64 = 0;
    if (s < stop) {
      c = <u64>load<u8>(s);
      if (c == 0xff) {
        if (s + 1 < stop && load<u8>(s + 1) == 0) s += 2;
        else {
          stop = s;
          c = 0;
          zeros += 1;
        }
      } else s += 1;
    } else zeros += 1;
    a |= c << <u64>(56 - n);
    n += 8;
  }
  acc = a;
  bits = n;
  src = s;
}

@inline function peek(n: i32): i32 {
  return <i32>(acc >> <u64>(64 - n));
}

/** Drop the next n (< 64) bits. */
@inline function consume(n: i32): void {
  acc <<= <u64>n;
  bits -= n;
}

/** Whether the walk has used bits past the end of the data (a decoder would pad with zero bits). */
@inline function ranOut(): bool {
  return zeros << 3 > bits;
}

function skip(n: i32): void {
  while (n > 0) {
    if (bits < 32) fill();
    const take = n < 24 ? n : 24;
    consume(take);
    n -= take;
  }
}

/** length << 8 | symbol of the next code (the buffer holds >= 32 bits), or 0 for none. */
@inline function decode(t: usize): u32 {
  return codeOf(t, peek(16));
}

/** The sequential entry of the next code (`entry`), or 0 for none. */
@inline function decodeFast(t: usize, cls: i32): u32 {
  const e = load<u32>(t + T_FAST + 4 * <usize>peek(LOOK));
  if (e) return e;
  const code = decode(t);
  return code ? entry(cls, code >> 8, code & 255) : 0;
}

/**
 * Offset just past the last byte the walk read of the data starting at `start`, the 0x00 stuffed
 * after a 0xff included; -1 when it used bits past the end of the data.
 */
function readEnd(start: usize): i64 {
  const unread = bits - (zeros << 3);
  if (unread < 0) return -1;
  let s = src;
  for (let whole = unread >> 3; whole > 0; whole--) {
    s -= 1;
    if (s > start && load<u8>(s) == 0 && load<u8>(s - 1) == 0xff) s -= 1;
  }
  return <i64>s;
}

// ---- the walkers: OK, RAN_OUT or INVALID for `count` MCUs from MCU `first` ---------------------------

/**
 * The hot loop (most photos are sequential): the bit reader's state lives in locals, four bytes
 * come in at a time while none of them is 0xff, and `fill` (via the globals) handles the rest.
 */
function sequential(count: i32): i32 {
  let a = acc, n = bits;
  for (let m = 0; m < count; m++) {
    for (let j = 0; j < blocks; j++) {
      const ac: usize = load<u32>(BLOCK_AC + 4 * <usize>j);
      let t: usize = load<u32>(BLOCK_DC + 4 * <usize>j);
      for (let k: u32 = 0; k < 64; ) {
        if (n < 32) {
          const word = src + 4 <= stop ? plainWord(src) : -1;
          if (word >= 0) {
            a |= <u64>word << <u64>(32 - n);
            n += 32;
            src += 4;
          } else {
            acc = a;
            bits = n;
            fill();
            a = acc;
            n = bits;
          }
        }
        if (k) {
          const e = load<u32>(t + T_RUNS + 4 * <usize><i32>(a >> <u64>(64 - RUN_BITS)));
          if (e && k + ((e >> 8) & 255) <= 64) {
            a <<= <u64>(e & 255);
            n -= <i32>(e & 255);
            k += e >> 16;
            continue;
          }
        } else {
          const e = load<u32>(t + T_FAST + 4 * <usize><i32>(a >> <u64>(64 - LOOK)));
          if (e) {
            a <<= <u64>e;
            n -= <i32>e;
            k = 1;
            t = ac;
            continue;
          }
        }
        // a code the lookups do not resolve (longer, or none)
        acc = a;
        bits = n;
        const e = decodeFast(t, k ? 1 : 0);
        if (!e) return INVALID;
        a <<= <u64>(e & 255);
        n -= <i32>(e & 255);
        k += k ? e >> 8 : 1;
        t = ac;
      }
    }
    if (zeros << 3 > n) {
      bits = n;
      return RAN_OUT;
    }
  }
  acc = a;
  bits = n;
  return OK;
}

/** The four bytes at `at` as a big-endian word, or -1 when one of them is 0xff (stuffing or a marker). */
@inline function plainWord(at: usize): i64 {
  const x = load<u32>(at);
  if (((~x - 0x01010101) & x & 0x80808080) != 0) return -1;
  return <i64>bswap<u32>(x);
}

function dcFirst(count: i32): i32 {
  for (let m = 0; m < count; m++) {
    for (let j = 0; j < blocks; j++) {
      if (bits < 32) fill();
      const e = decodeFast(load<u32>(BLOCK_DC + 4 * <usize>j), 0);
      if (!e) return INVALID;
      consume(<i32>e);
    }
    if (ranOut()) return RAN_OUT;
  }
  return OK;
}

function dcRefine(count: i32): i32 {
  for (let m = 0; m < count; m++) {
    skip(blocks); // one bit per block
    if (ranOut()) return RAN_OUT;
  }
  return OK;
}

@inline function bit(k: i32): u64 {
  return <u64>1 << <u64>(k < 63 ? k : 63);
}

/** The positions below k (k <= 65). */
@inline function below(k: i32): u64 {
  return k >= 64 ? ~(<u64>0) : (<u64>1 << <u64>k) - 1;
}

/** The `run` extra bits of an end-of-band run: how many more blocks it covers. */
@inline function runLength(run: i32): i32 {
  let n = 1 << run;
  if (run) {
    n += peek(run);
    consume(run);
  }
  return n;
}

function acFirst(count: i32, first: i32): i32 {
  for (let b = first; b < first + count; b++) {
    if (eobrun) {
      eobrun -= 1;
      continue;
    }
    const at = history + 8 * <usize>b;
    let nonzero = load<u64>(at);
    for (let k = ss; k <= se; ) {
      if (bits < 32) fill();
      const e = decode(acTable);
      if (!e) return INVALID;
      consume(<i32>(e >> 8));
      const run = <i32>(e >> 4) & 15, size = <i32>e & 15;
      if (size) {
        k += run;
        nonzero |= bit(k);
        consume(size);
        k += 1;
      } else if (run == 15) {
        k += 16;
      } else {
        eobrun = runLength(run) - 1;
        break;
      }
    }
    store<u64>(at, nonzero);
    if (ranOut()) return RAN_OUT;
  }
  return OK;
}

/**
 * T.81 G.1.2.3 as libjpeg decodes it: every coefficient of the band already nonzero gets one
 * correction bit when the decoder passes it; values are never needed, only how many bits.
 */
function acRefine(count: i32, first: i32): i32 {
  const band = below(se + 1) & ~below(ss);
  for (let b = first; b < first + count; b++) {
    const at = history + 8 * <usize>b;
    let nonzero = load<u64>(at);
    let k = ss;
    if (!eobrun) {
      while (k <= se) {
        if (bits < 32) fill();
        const e = decode(acTable);
        if (!e) return INVALID;
        consume(<i32>(e >> 8));
        const run = <i32>(e >> 4) & 15, size = <i32>e & 15;
        if (size) {
          consume(1); // the new coefficient's sign (its size is 1)
        } else if (run != 15) {
          eobrun = runLength(run);
          break;
        }
        // pass the already-nonzero coefficients (a correction bit each) and `run` zero ones,
        // stopping at the next zero one: the target
        let zeroes = ~nonzero & band & ~below(k);
        for (let r = 0; r < run; r++) zeroes &= zeroes - 1;
        const target = zeroes ? <i32>ctz(zeroes) : se + 1;
        skip(<i32>popcnt(nonzero & below(target) & ~below(k)));
        k = target;
        if (size) nonzero |= bit(k);
        k += 1;
      }
      store<u64>(at, nonzero);
    }
    if (eobrun) {
      if (k <= se) skip(<i32>popcnt(nonzero & band & ~below(k)));
      eobrun -= 1;
    }
    if (ranOut()) return RAN_OUT;
  }
  return OK;
}

// ---- the frame, the scans in file order -------------------------------------------------------------

@inline function component(i: i32): usize {
  return COMPONENTS + <usize>i * C_BYTES;
}

function dnlHeight(segments: usize, count: i32, after: i32): i32 {
  for (let i = after; i < count; i++) {
    const seg = segments + 20 * <usize>i;
    const start = <i32>load<u32>(seg, 12), end = <i32>load<u32>(seg, 16);
    if (load<u32>(seg) == DNL && end - start >= 2) return u16at(start);
  }
  fail('the frame has no height and no DNL segment gives one');
  return 0;
}

function readFrame(marker: i32, start: i32, end: i32, segments: usize, count: i32, index: i32): void {
  if (frameSeen) return fail('the image has more than one frame header');
  frameSeen = true;
  const n = end - start >= 6 ? u8at(start + 5) : 0;
  if (end - start < 6 || end - start < 6 + 3 * n) return fail('the frame header is too short');
  width = u16at(start + 3);
  height = u16at(start + 1);
  if (height == 0) height = dnlHeight(segments, count, index);
  if (failure.length) return;
  if (n > MAX_COMPONENTS) return fail('the frame has more than 10 components');
  hMax = vMax = 1;
  for (let i = 0; i < n; i++) {
    const h = u8at(start + 7 + 3 * i) >> 4, v = u8at(start + 7 + 3 * i) & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) return fail('the frame header has no size or an invalid sampling factor');
    if (h > hMax) hMax = h;
    if (v > vMax) vMax = v;
  }
  if (!n || width == 0) return fail('the frame header has no size or an invalid sampling factor');
  progressive = marker == SOF2;
  components = n;
  for (let i = 0; i < n; i++) {
    const c = component(i);
    const h = u8at(start + 7 + 3 * i) >> 4, v = u8at(start + 7 + 3 * i) & 15;
    const across = ceilDiv(ceilDiv(width * h, hMax), 8), down = ceilDiv(ceilDiv(height * v, vMax), 8);
    store<u32>(c, u8at(start + 6 + 3 * i));
    store<u32>(c, h, 4);
    store<u32>(c, v, 8);
    store<u32>(c, across, 12);
    store<u32>(c, down, 16);
    store<u32>(c, <u32>outStart, 20);
    if (progressive) {
      const size = <usize>8 * <usize>across * <usize>down;
      if (!reach(outStart + size)) return fail('the image is too large to check');
      memory.fill(outStart, 0, size);
      outStart += size;
    }
  }
  outTop = outStart;
}

function findComponent(id: i32): i32 {
  for (let i = 0; i < components; i++) if (<i32>load<u32>(component(i)) == id) return i;
  return -1;
}

/** The scan header at start:end: its band, MCU count and per-block tables; false when it is unusable. */
function readScan(start: i32, end: i32): bool {
  const n = end > start ? u8at(start) : 0;
  if (n < 1 || n > 4 || end - start < 4 + 2 * n) {
    fail('a scan header is malformed');
    return false;
  }
  ss = u8at(start + 1 + 2 * n);
  se = u8at(start + 2 + 2 * n);
  ah = u8at(start + 3 + 2 * n) >> 4;
  if (progressive) {
    if (ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && n != 1)) {
      fail('a progressive scan has an invalid spectral band');
      return false;
    }
  } else if (ss != 0 || se != 63 || ah != 0) {
    fail('a sequential scan has an invalid spectral band');
    return false;
  }
  const needDc = !progressive || (ss == 0 && ah == 0), needAc = ss > 0 || !progressive;
  blocks = 0;
  for (let i = 0; i < n; i++) {
    const index = findComponent(u8at(start + 1 + 2 * i));
    if (index < 0) {
      fail('a scan names a component the frame does not have');
      return false;
    }
    const c = component(index);
    const tables = u8at(start + 2 + 2 * i);
    const dc = table(0, (tables >> 4) & 3), ac = table(1, tables & 3);
    if ((needDc && (tables >> 4 > 3 || !load<u32>(dc + T_DEFINED))) || (needAc && ((tables & 15) > 3 || !load<u32>(ac + T_DEFINED)))) {
      fail('a scan uses a Huffman table that was never defined');
      return false;
    }
    if (!progressive && load<u32>(ac + T_DEFINED) == DEFINED) {
      runs(ac); // built when first needed: progressive files redefine their tables for every scan
      store<u32>(ac + T_DEFINED, WITH_RUNS);
    }
    const own = n == 1 ? 1 : <i32>(load<u32>(c, 4) * load<u32>(c, 8));
    for (let j = 0; j < own; j++) {
      if (blocks == MAX_BLOCKS) {
        fail('an MCU has more than 10 blocks');
        return false;
      }
      store<u32>(BLOCK_DC + 4 * <usize>blocks, <u32>dc);
      store<u32>(BLOCK_AC + 4 * <usize>blocks, <u32>ac);
      blocks += 1;
    }
    history = <usize>load<u32>(c, 20);
    acTable = ac;
    if (n == 1) mcus = <i32>(load<u32>(c, 12) * load<u32>(c, 16));
  }
  if (n > 1) mcus = ceilDiv(width, 8 * hMax) * ceilDiv(height, 8 * vMax);
  return true;
}

/** The first restart marker (0xff 0xd0-0xd7) at or after `from`, before `end`; -1 if none. */
function findRestart(from: usize, end: usize): i64 {
  for (let i = from; i + 1 < end; i++) {
    if (load<u8>(i) == 0xff && (load<u8>(i + 1) & 0xf8) == 0xd0) return <i64>i;
  }
  return -1;
}

/** Append start:end to the scan's kept ranges (joined to the last one when they touch). */
function keep(record: usize, start: usize, end: usize): void {
  const n = load<u32>(record, 4);
  if (n && load<u32>(outTop - 4) == <u32>start) {
    store<u32>(outTop - 4, <u32>end);
    return;
  }
  emit(<u32>start);
  emit(<u32>end);
  store<u32>(record, n + 1, 4);
}

function walkInterval(count: i32, first: i32): i32 {
  if (!progressive) return sequential(count);
  if (ss == 0) return ah ? dcRefine(count) : dcFirst(count);
  return ah ? acRefine(count, first) : acFirst(count, first);
}

/** The scan whose entropy-coded data is at start:end, from the SOS segment at `segment`. */
function walkScan(segment: u32, startOffset: i32, endOffset: i32): void {
  const start = data + <usize>startOffset, end = data + <usize>endOffset;
  const per = interval ? interval : mcus;
  const count = ceilDiv(mcus, per);
  const record = outTop;
  emit(segment);
  emit(0);
  let pos = start;
  for (let n = 0; n < count; n++) {
    acc = 0;
    bits = 0;
    src = pos;
    stop = end;
    zeros = 0;
    eobrun = 0;
    const done = walkInterval(min(per, mcus - n * per), n * per);
    if (done == INVALID) return fail(INVALID_CODE);
    const read = done == RAN_OUT ? -1 : readEnd(pos);
    const marker = findRestart(read >= 0 ? <usize>read : pos, end);
    let dataEnd = end, markerEnd = end;
    if (n < count - 1) {
      if (marker < 0) return fail('a scan has fewer restart markers than its restart interval needs');
      if (<i32>load<u8>(<usize>marker + 1) != 0xd0 + (n & 7)) return fail('restart markers are out of sequence');
      dataEnd = <usize>marker;
      markerEnd = dataEnd + 2;
    } else if (marker >= 0) {
      dataEnd = markerEnd = <usize>marker; // decoders skip a restart marker after the last interval
    }
    keep(record, pos - data, (read < 0 || <usize>read > dataEnd ? dataEnd : <usize>read) - data);
    if (markerEnd > dataEnd) keep(record, dataEnd - data, markerEnd - data);
    pos = markerEnd;
  }
  if (failure.length) return;
  const ranges = load<u32>(record, 4);
  if (ranges == 1 && load<u32>(record, 8) == <u32>startOffset && load<u32>(record, 12) == <u32>endOffset) {
    outTop = record; // a decoder reads every byte
    return;
  }
  // the hidden ranges: the gaps between kept ranges that hold more than fill bytes
  const hidden = outTop;
  emit(0);
  for (let i: u32 = 0; i <= ranges; i++) {
    const a = i ? load<u32>(record + 8 * <usize>i, 4) : <u32>startOffset;
    const b = i < ranges ? load<u32>(record + 8 * <usize>i, 8) : <u32>endOffset;
    for (let j = a; j < b; j++) {
      if (load<u8>(data + <usize>j) != 0xff) {
        emit(a);
        emit(b - a);
        store<u32>(hidden, load<u32>(hidden) + 1);
        break;
      }
    }
  }
}

// ---- the exports -------------------------------------------------------------------------------------

/** Room for a file of `length` bytes and its `count` segments; the address to write the table at. */
export function prepare(length: u32, count: u32): usize {
  return reach(INPUT + 20 * <usize>count + <usize>length + 8) ? INPUT : 0;
}

/** Walk every scan of the file written after `prepare` (see the top of this file for the result). */
export function walk(length: u32, count: u32): i32 {
  const segments = INPUT;
  data = INPUT + 20 * <usize>count;
  failure = '';
  failureMarker = -1;
  outStart = outTop = (data + <usize>length + 15) & ~15;
  frameSeen = false;
  interval = 0;
  for (let i = 0; i < 8; i++) store<u32>(table(i >> 2, i & 3) + T_DEFINED, 0);
  for (let i = 0; i < <i32>count && !failure.length; i++) {
    const seg = segments + 20 * <usize>i;
    const marker = <i32>load<u32>(seg);
    const start = <i32>load<u32>(seg, 4), end = <i32>load<u32>(seg, 8);
    const payloadStart = <i32>load<u32>(seg, 12), payloadEnd = <i32>load<u32>(seg, 16);
    if ((marker >= 0xc3 && marker <= 0xcf && marker != DHT && marker != 0xc8 && marker != 0xcc)) {
      fail(') is not walked', marker);
    } else if (marker == SOF0 || marker == SOF1 || marker == SOF2) {
      readFrame(marker, payloadStart, payloadEnd, segments, <i32>count, i);
    } else if (marker == DHT) {
      readTables(payloadStart, payloadEnd);
    } else if (marker == DRI) {
      if (payloadEnd - payloadStart < 2) fail('a restart interval segment is too short');
      else interval = u16at(payloadStart);
    } else if (marker == SOS) {
      if (!frameSeen) fail('a scan comes before the frame header');
      else if (readScan(payloadStart, payloadEnd)) walkScan(<u32>start, payloadEnd, end);
    }
  }
  if (!failure.length) return <i32>((outTop - outStart) >> 2);
  return -writeFailure();
}

/** Where `walk` put its result. */
export function output(): usize {
  return outStart;
}

const HEX = '0123456789abcdef';

function writeText(at: usize, text: string): usize {
  if (!reach(at + <usize>text.length)) return at;
  for (let i = 0; i < text.length; i++) store<u8>(at + <usize>i, <u8>text.charCodeAt(i));
  return at + <usize>text.length;
}

/** The failure as ASCII at `outStart`; its length. */
function writeFailure(): i32 {
  let at = outStart;
  if (failureMarker >= 0) {
    at = writeText(at, 'frame type ff ');
    if (reach(at + 2)) {
      store<u8>(at, <u8>HEX.charCodeAt(failureMarker >> 4));
      store<u8>(at + 1, <u8>HEX.charCodeAt(failureMarker & 15));
      at += 2;
    }
    at = writeText(at, ' (arithmetic, lossless or hierarchical coding');
  }
  return <i32>(writeText(at, failure) - outStart);
}
