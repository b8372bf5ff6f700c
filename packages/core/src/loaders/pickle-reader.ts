import { open, type FileHandle } from 'node:fs/promises';
import { NUMPY_DTYPE_BYTES, parseNumpyDtype, typedArrayFromBytes, type NumpyDtype, type NumpyTypedArray } from './numpy-dtype.js';

/**
 * A `bytes` object in a pickle. Small ones are read at once (`inline`); large ones (numpy
 * payloads) stay on disk until {@link PickleReader.readArray} reads them straight into their
 * final buffer, so a 1.5 GB pixel array is copied exactly once, from the file.
 */
export class PickledBytes {
  constructor(
    /** Byte offset of the payload in the file. */
    readonly position: number,
    /** Payload length in bytes. */
    readonly length: number,
    /** The payload when it was small enough to read while parsing, else undefined. */
    readonly inline?: Uint8Array,
  ) {}
}

/** A `numpy.dtype` object: its type name (`'u1'`, `'i8'`…) and byte order (`'|'`, `'<'`…, set by BUILD). */
export class PickledDtype {
  byteOrder: string | undefined;
  constructor(readonly name: string) {}
}

/**
 * A numpy array: `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` then BUILD with
 * `(1, shape, dtype, is_fortran, raw_bytes)`. `dtype` and `shape` are set by BUILD; read the
 * elements with {@link PickleReader.readArray}.
 */
export class PickledArray {
  dtype: NumpyDtype | undefined;
  shape: readonly number[] = [];
  data: PickledBytes | undefined;
}

/** A global the reader accepted (only the numpy names in {@link PICKLE_ALLOWED_GLOBALS}). */
export class PickledGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Python values as this reader returns them: tuples are frozen arrays, dicts are `Map`s. */
export type PickleValue =
  | null
  | boolean
  | number
  | string
  | PickledBytes
  | PickledArray
  | PickledDtype
  | PickledGlobal
  | readonly PickleValue[]
  | Map<string | number, PickleValue>;

/**
 * The only globals a pickle may name: numpy's array reconstructor (numpy 1 and numpy 2 module
 * names), the ndarray type it is given, and `numpy.dtype`. Every other GLOBAL / STACK_GLOBAL is
 * refused before anything else happens, so an untrusted file cannot make this reader call
 * anything (it never calls anything anyway: it only recognises these names).
 */
export const PICKLE_ALLOWED_GLOBALS: readonly string[] = [
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
];

/** `bytes` payloads at least this long are left on disk until read with {@link PickleReader.readArray}. */
const LAZY_BYTES = 1 << 16;
/** Size of the read-ahead window while parsing opcodes. */
const WINDOW = 1 << 20;
/** Largest single `read()` into an array buffer (fs caps one read at 2 GiB). */
const MAX_READ = 1 << 30;

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

const OPCODE_NAMES: Record<number, string> = {
  0x80: 'PROTO', 0x95: 'FRAME', 0x7d: 'EMPTY_DICT', 0x28: 'MARK', 0x75: 'SETITEMS', 0x73: 'SETITEM', 0x58: 'BINUNICODE',
  0x8c: 'SHORT_BINUNICODE', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x94: 'MEMOIZE', 0x68: 'BINGET', 0x6a: 'LONG_BINGET',
  0x63: 'GLOBAL', 0x93: 'STACK_GLOBAL', 0x74: 'TUPLE', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x29: 'EMPTY_TUPLE',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4d: 'BININT2', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x4e: 'NONE', 0x43: 'SHORT_BINBYTES',
  0x42: 'BINBYTES', 0x8e: 'BINBYTES8', 0x52: 'REDUCE', 0x62: 'BUILD', 0x2e: 'STOP',
};

/**
 * A minimal, safe reader of the pickles numpy arrays come in (protocols 2–4): a dict or tuple of
 * numpy arrays, strings and small ints, such as the 500K TinyImages file
 * `ti_500K_pseudo_labeled.pickle`. It understands only the opcodes listed in
 * `/shared/DATA.md` and the globals in {@link PICKLE_ALLOWED_GLOBALS}; anything else is an error
 * naming the file, the opcode and its byte offset.
 *
 * The file stays open after {@link PickleReader.open} so large payloads can be read on demand;
 * call {@link PickleReader.close} when done.
 */
export class PickleReader {
  /** The unpickled object (a `Map` for a dict). */
  readonly root: PickleValue;

  private constructor(
    private readonly handle: FileHandle,
    /** The pickle file's path. */
    readonly path: string,
    root: PickleValue,
  ) {
    this.root = root;
  }

  /**
   * Opens and parses `path`. Only the structure is read; payloads of 64 KiB or more stay on disk.
   *
   * @throws when the file is missing or truncated, uses an unsupported opcode, or names a global
   *   other than the numpy ones (each message names the file and the byte offset).
   */
  static async open(path: string, caller = 'PickleReader'): Promise<PickleReader> {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${caller}: path must be a non-empty string, got ${String(path)}`);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      throw new Error(`${caller}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const size = (await handle.stat()).size;
      const root = await new PickleMachine(new ByteWindow(handle, size, `${caller}: ${path}`)).run();
      return new PickleReader(handle, path, root);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /**
   * Reads an array's elements into a new typed array (C order), optionally only its first `rows`
   * entries along the first axis. Large payloads are read from the file straight into the
   * returned buffer (one copy); `u1` data comes back as a `Uint8Array`, `i8` as a `BigInt64Array`.
   */
  async readArray(array: PickledArray, rows?: number): Promise<NumpyTypedArray> {
    if (!(array instanceof PickledArray) || array.dtype === undefined || array.data === undefined) {
      throw new TypeError(`PickleReader.readArray: ${this.path}: expected a numpy array that was fully built`);
    }
    const total = array.shape.length === 0 ? 1 : array.shape[0];
    const count = rows === undefined ? total : Math.min(rows, total);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`PickleReader.readArray: rows must be a non-negative integer, got ${rows}`);
    const rowBytes = array.shape.slice(1).reduce((a, b) => a * b, 1) * NUMPY_DTYPE_BYTES[array.dtype];
    const length = count * rowBytes;
    const bytes = array.data.inline ? array.data.inline.slice(0, length) : new Uint8Array(length);
    if (!array.data.inline) {
      for (let done = 0; done < length; ) {
        const want = Math.min(MAX_READ, length - done);
        const { bytesRead } = await this.handle.read(bytes, done, want, array.data.position + done);
        if (bytesRead === 0) throw new Error(`PickleReader: ${this.path} is truncated: the array payload at byte ${array.data.position} ends early`);
        done += bytesRead;
      }
    }
    return typedArrayFromBytes(bytes, array.dtype);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A read-ahead window over the file while opcodes are parsed. */
class ByteWindow {
  private buf = new Uint8Array(0);
  private bufStart = 0;
  /** Absolute position of the next unread byte. */
  pos = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly where: string,
  ) {}

  /** Makes `n` bytes from `pos` available in the window, or throws "truncated" naming `what`. */
  async ensure(n: number, what: string): Promise<void> {
    if (this.pos + n > this.size) {
      throw new Error(`${this.where} is truncated: ${what} at byte ${this.pos} needs ${n} more bytes but the file ends at byte ${this.size}`);
    }
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    const length = Math.min(Math.max(n, WINDOW), this.size - this.pos);
    const buf = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, this.pos + done);
      if (bytesRead === 0) throw new Error(`${this.where} is truncated: it ended while being read (byte ${this.pos + done})`);
      done += bytesRead;
    }
    this.buf = buf;
    this.bufStart = this.pos;
  }

  /** A copy of the next `n` bytes (after {@link ensure}). */
  take(n: number): Uint8Array {
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.slice(at, at + n);
  }

  /** Reads an unsigned little-endian integer of `n` (1, 2, 4 or 8) bytes, after {@link ensure}. */
  uint(n: 1 | 2 | 4 | 8): number {
    const at = this.pos - this.bufStart;
    this.pos += n;
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.buf[at + i];
    return v;
  }

  /** Skips `n` bytes without reading them. */
  skip(n: number, what: string): void {
    if (this.pos + n > this.size) {
      throw new Error(`${this.where} is truncated: ${what} at byte ${this.pos} declares ${n} bytes but only ${this.size - this.pos} remain in the file`);
    }
    this.pos += n;
  }

  /** Reads a `\n`-terminated ASCII line (GLOBAL's arguments), at most 256 characters. */
  async line(what: string): Promise<string> {
    let text = '';
    for (;;) {
      await this.ensure(1, what);
      const c = this.uint(1);
      if (c === 0x0a) return text;
      text += String.fromCharCode(c);
      if (text.length > 256) throw new Error(`${this.where}: ${what} argument at byte ${this.pos - text.length} is longer than 256 characters`);
    }
  }
}

/** The pickle virtual machine restricted to the numpy subset. */
class PickleMachine {
  private stack: StackItem[] = [];
  private memo = new Map<number, PickleValue>();
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly input: ByteWindow) {}

  async run(): Promise<PickleValue> {
    const input = this.input;
    for (;;) {
      await input.ensure(1, 'the next opcode (the pickle has no STOP)');
      const at = input.pos;
      const op = input.uint(1);
      if (at === 0 && op !== 0x80) {
        throw new Error(`${input.where} is not a pickle of protocol 2–4: it starts with byte 0x${op.toString(16).padStart(2, '0')}, not the PROTO opcode 0x80`);
      }
      const name = OPCODE_NAMES[op];
      if (name === undefined) {
        const printable = op >= 0x20 && op < 0x7f ? ` ('${String.fromCharCode(op)}')` : '';
        throw new Error(`${input.where}: unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}${printable} at byte ${at}; this reader handles only numpy-array pickles (protocols 2–4)`);
      }
      switch (name) {
        case 'PROTO': {
          await input.ensure(1, name);
          const proto = input.uint(1);
          if (proto < 2 || proto > 4) throw new Error(`${input.where}: pickle protocol ${proto} at byte ${at} is not supported; expected 2, 3 or 4`);
          break;
        }
        case 'FRAME':
          await input.ensure(8, name);
          input.uint(8); // frames are only a buffering hint
          break;
        case 'STOP': {
          if (this.stack.length !== 1 || this.stack[0] === MARK) throw new Error(`${input.where}: malformed pickle: STOP at byte ${at} with ${this.stack.length} items on the stack`);
          return this.stack[0] as PickleValue;
        }
        case 'MARK':
          this.stack.push(MARK);
          break;
        case 'EMPTY_DICT':
          this.stack.push(new Map());
          break;
        case 'EMPTY_TUPLE':
          this.stack.push(Object.freeze([]));
          break;
        case 'NONE':
          this.stack.push(null);
          break;
        case 'NEWTRUE':
          this.stack.push(true);
          break;
        case 'NEWFALSE':
          this.stack.push(false);
          break;
        case 'BININT1':
          await input.ensure(1, name);
          this.stack.push(input.uint(1));
          break;
        case 'BININT2':
          await input.ensure(2, name);
          this.stack.push(input.uint(2));
          break;
        case 'BININT':
          await input.ensure(4, name);
          this.stack.push(input.uint(4) | 0);
          break;
        case 'SHORT_BINUNICODE':
        case 'BINUNICODE': {
          const n = await this.length(name === 'BINUNICODE' ? 4 : 1, name);
          await input.ensure(n, name);
          const bytes = input.take(n);
          try {
            this.stack.push(this.utf8.decode(bytes));
          } catch {
            throw new Error(`${input.where}: ${name} at byte ${at} is not valid UTF-8`);
          }
          break;
        }
        case 'SHORT_BINBYTES':
        case 'BINBYTES':
        case 'BINBYTES8': {
          const n = await this.length(name === 'SHORT_BINBYTES' ? 1 : name === 'BINBYTES' ? 4 : 8, name);
          const position = input.pos;
          if (n >= LAZY_BYTES) {
            input.skip(n, name);
            this.stack.push(new PickledBytes(position, n));
          } else {
            await input.ensure(n, name);
            this.stack.push(new PickledBytes(position, n, input.take(n)));
          }
          break;
        }
        case 'BINPUT':
        case 'LONG_BINPUT': {
          const key = await this.length(name === 'BINPUT' ? 1 : 4, name);
          this.memo.set(key, this.top(name, at));
          break;
        }
        case 'MEMOIZE':
          this.memo.set(this.memo.size, this.top(name, at));
          break;
        case 'BINGET':
        case 'LONG_BINGET': {
          const key = await this.length(name === 'BINGET' ? 1 : 4, name);
          if (!this.memo.has(key)) throw new Error(`${input.where}: malformed pickle: ${name} at byte ${at} refers to memo ${key}, which was never stored`);
          this.stack.push(this.memo.get(key)!);
          break;
        }
        case 'GLOBAL': {
          const module = await input.line(name);
          const global = await input.line(name);
          this.stack.push(this.global(module, global, at));
          break;
        }
        case 'STACK_GLOBAL': {
          const global = this.pop(name, at);
          const module = this.pop(name, at);
          if (typeof module !== 'string' || typeof global !== 'string') throw new Error(`${input.where}: malformed pickle: STACK_GLOBAL at byte ${at} needs two strings`);
          this.stack.push(this.global(module, global, at));
          break;
        }
        case 'TUPLE':
          this.stack.push(Object.freeze(this.popToMark(name, at)));
          break;
        case 'TUPLE1':
        case 'TUPLE2':
        case 'TUPLE3': {
          const k = name === 'TUPLE1' ? 1 : name === 'TUPLE2' ? 2 : 3;
          const items: PickleValue[] = [];
          for (let i = 0; i < k; i++) items.unshift(this.pop(name, at));
          this.stack.push(Object.freeze(items));
          break;
        }
        case 'SETITEM': {
          const value = this.pop(name, at);
          const key = this.pop(name, at);
          this.setItem(this.top(name, at), key, value, at);
          break;
        }
        case 'SETITEMS': {
          const items = this.popToMark(name, at);
          if (items.length % 2 !== 0) throw new Error(`${input.where}: malformed pickle: SETITEMS at byte ${at} has an odd number of items`);
          const dict = this.top(name, at);
          for (let i = 0; i < items.length; i += 2) this.setItem(dict, items[i], items[i + 1], at);
          break;
        }
        case 'REDUCE': {
          const args = this.pop(name, at);
          const callable = this.pop(name, at);
          this.stack.push(this.reduce(callable, args, at));
          break;
        }
        case 'BUILD': {
          const state = this.pop(name, at);
          this.build(this.top(name, at), state, at);
          break;
        }
      }
    }
  }

  /** Reads an unsigned length / index argument of `n` bytes. */
  private async length(n: 1 | 2 | 4 | 8, what: string): Promise<number> {
    await this.input.ensure(n, what);
    const v = this.input.uint(n);
    if (!Number.isSafeInteger(v)) throw new Error(`${this.input.where}: ${what} at byte ${this.input.pos - n - 1} declares an impossible length ${v}`);
    return v;
  }

  private global(module: string, name: string, at: number): PickledGlobal {
    const qualified = `${module}.${name}`;
    if (!PICKLE_ALLOWED_GLOBALS.includes(qualified)) {
      throw new Error(
        `${this.input.where}: refusing global ${qualified} at byte ${at}: only ${PICKLE_ALLOWED_GLOBALS.join(', ')} are allowed ` +
          `(other globals could run arbitrary code; this file is not a plain numpy-array pickle` +
          (qualified === '_codecs.encode' ? '; protocol-2 pickles store bytes through _codecs.encode: re-save it with protocol 3 or 4)' : ')'),
      );
    }
    return new PickledGlobal(module, name);
  }

  private reduce(callable: PickleValue, args: PickleValue, at: number): PickleValue {
    const where = this.input.where;
    if (!(callable instanceof PickledGlobal) || !Array.isArray(args)) {
      throw new Error(`${where}: malformed pickle: REDUCE at byte ${at} needs a global and an argument tuple`);
    }
    const tuple = args as readonly PickleValue[];
    if (callable.name === '_reconstruct') {
      const [cls] = tuple;
      if (tuple.length !== 3 || !(cls instanceof PickledGlobal) || cls.qualifiedName !== 'numpy.ndarray') {
        throw new Error(`${where}: REDUCE at byte ${at}: ${callable.qualifiedName} must be applied to (numpy.ndarray, shape, dtype-char)`);
      }
      return new PickledArray();
    }
    if (callable.qualifiedName === 'numpy.dtype') {
      const [dtypeName] = tuple;
      if (typeof dtypeName !== 'string') throw new Error(`${where}: REDUCE at byte ${at}: numpy.dtype needs a type-name string, got ${describe(dtypeName)}`);
      return new PickledDtype(dtypeName);
    }
    throw new Error(`${where}: REDUCE at byte ${at}: calling ${callable.qualifiedName} is not supported`);
  }

  private build(target: PickleValue, state: PickleValue, at: number): void {
    const where = this.input.where;
    if (target instanceof PickledDtype) {
      const s = state as readonly PickleValue[];
      if (!Array.isArray(s) || s.length < 2 || typeof s[1] !== 'string') throw new Error(`${where}: BUILD at byte ${at}: malformed numpy.dtype state`);
      if (s[3] !== null && s[3] !== undefined) throw new Error(`${where}: BUILD at byte ${at}: structured numpy dtypes are not supported`);
      target.byteOrder = s[1];
      return;
    }
    if (target instanceof PickledArray) {
      const s = state as readonly PickleValue[];
      if (!Array.isArray(s) || s.length !== 5) throw new Error(`${where}: BUILD at byte ${at}: malformed numpy array state (expected (version, shape, dtype, is_fortran, data))`);
      const [, shape, dtype, fortran, data] = s;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        throw new Error(`${where}: BUILD at byte ${at}: malformed numpy array shape ${describe(shape)}`);
      }
      if (!(dtype instanceof PickledDtype)) throw new Error(`${where}: BUILD at byte ${at}: numpy array dtype is ${describe(dtype)}, expected numpy.dtype`);
      if (!(data instanceof PickledBytes)) throw new Error(`${where}: BUILD at byte ${at}: numpy array data is ${describe(data)}, expected bytes (object arrays are not supported)`);
      const dims = shape as number[];
      const parsed = parseNumpyDtype(dtype.name, `${where}: array at byte ${at}`, dtype.byteOrder);
      if (fortran === true && dims.filter((d) => d > 1).length > 1) {
        throw new Error(`${where}: array at byte ${at} is stored in Fortran order, which is not supported; save it in C order`);
      }
      const expected = dims.reduce((a, b) => a * b, 1) * NUMPY_DTYPE_BYTES[parsed];
      if (data.length !== expected) {
        throw new Error(`${where}: array at byte ${at} has shape (${dims.join(', ')}) of '${dtype.name}' = ${expected} bytes but its data holds ${data.length}`);
      }
      target.dtype = parsed;
      target.shape = Object.freeze([...dims]);
      target.data = data;
      return;
    }
    throw new Error(`${where}: BUILD at byte ${at} on ${describe(target)} is not supported`);
  }

  private setItem(dict: PickleValue, key: PickleValue, value: PickleValue, at: number): void {
    if (!(dict instanceof Map)) throw new Error(`${this.input.where}: malformed pickle: SETITEM(S) at byte ${at} on ${describe(dict)}, expected a dict`);
    if (typeof key !== 'string' && typeof key !== 'number') throw new Error(`${this.input.where}: dict key at byte ${at} is ${describe(key)}; only string and int keys are supported`);
    dict.set(key, value);
  }

  private pop(what: string, at: number): PickleValue {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) throw new Error(`${this.input.where}: malformed pickle: ${what} at byte ${at} found an empty stack`);
    return v;
  }

  private top(what: string, at: number): PickleValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) throw new Error(`${this.input.where}: malformed pickle: ${what} at byte ${at} found an empty stack`);
    return v;
  }

  private popToMark(what: string, at: number): PickleValue[] {
    const k = this.stack.lastIndexOf(MARK);
    if (k < 0) throw new Error(`${this.input.where}: malformed pickle: ${what} at byte ${at} without a MARK`);
    const items = this.stack.splice(k + 1) as PickleValue[];
    this.stack.pop();
    return items;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a tuple';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}
