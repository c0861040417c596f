/**
 * The hot native path: Interceptor callbacks written in C (CModule) that filter, stamp and write
 * fixed-size records into a ring shared with JS; a timer in JS drains the ring into one binary
 * `events:batch` payload. A call costs about 0.3 us instead of 3.5 us for a JS callback that
 * builds a batched event, and an unmatched `open` never enters JS at all.
 *
 * Drained layout (little-endian), `HEADER` bytes per record, then a blob of strings:
 *   0 i64 t_us | 8 i64 ret | 16 u64 a0 | 24 u64 a1 | 32 u64 ra (return address)
 *   (raw hooks record on entry: ret is 0)
 *   40 u32 tid | 44 u16 hook index | 46 u16 slen | 48 u32 offset of the string in the blob | 52 u32 0
 * The string's meaning depends on the hook's kind:
 *   path: the path; str2: "node\0service"; sockaddr: the raw sockaddr bytes; prop: "name\0value";
 *   command: the command line (popen/system); argv: the program path, then its argv joined by
 *   0x1f (posix_spawn). execve is not hooked: its callers that matter run it in a vfork child,
 *   which shares the app's memory, and a Frida hook that runs there left the session unable to
 *   detach (measured with CPython's subprocess and glibc's popen). Both record only calls made outside another hooked call
 *   (invocation depth 0): glibc's popen and system start their shell through posix_spawn, bionic's
 *   popen through vfork+execve, and one app call must give one event.
 */

import { mutedTid } from "../ignore.js";

export const HEADER = 56;
export const SLOT = 320;

export const KINDS: Record<string, number> = { raw: 0, path: 1, str2: 2, sockaddr: 3, prop: 4, command: 6, argv: 7 };

const SOURCE = `
#include <gum/guminterceptor.h>
#include <glib.h>

extern int clock_gettime (int, void *);
extern int usleep (unsigned int);
extern int access (const char *, int);
extern volatile gint block_us;
extern volatile gint ring_head;
extern volatile gint ring_tail;
extern volatile gint dropped;
extern volatile gint muted_tid;
extern guint8 ring[];
extern guint8 hookcfg[];
extern char globs[];
extern volatile gint nslots_var;

#define SLOT ${SLOT}
#define ATOMIC_GET(p) g_atomic_int_add ((p), 0)
#define STRMAX 256
#define MARGIN 256

typedef struct {
  volatile gint ready; guint32 hook; gint64 t_us; gint64 ret; guint64 a0; guint64 a1; guint64 ra;
  guint32 tid; guint32 slen; char str[STRMAX];
} Rec;

typedef struct {
  gint kind; gint arg_a; gint arg_b; gint cap;
  volatile gint window; volatile gint emitted; volatile gint suppressed; gint enabled;
} HookCfg;

struct Inv {
  gint keep; gint slen; guint64 a0; guint64 a1; gpointer out; char str[STRMAX];
};

static gint64 now_us (void) {
  struct { gint64 s; gint64 ns; } ts;
  clock_gettime (0, &ts);
  return ts.s * 1000000 + ts.ns / 1000;
}

static int wild (const char * p, const char * s) {
  const char * star = NULL; const char * ss = NULL;
  while (*s) {
    if (*p == '?' || *p == *s) { p++; s++; }
    else if (*p == '*') { star = p++; ss = s; }
    else if (star) { p = star + 1; s = ++ss; }
    else return 0;
  }
  while (*p == '*') p++;
  return *p == 0;
}

static int match_any (const char * s) {
  const char * g = globs;
  while (*g) {
    if (wild (g, s)) return 1;
    while (*g) g++;
    g++;
  }
  return 0;
}

static gint copy_str (char * dst, gint room, const char * src) {
  gint n = 0;
  if (src == NULL) return 0;
  while (n < room && src[n] != 0) { dst[n] = src[n]; n++; }
  return n;
}

typedef struct Inv Inv;
static void emit (GumInvocationContext * ic, HookCfg * c, Inv * inv, gint64 ret);

static HookCfg * cfg_of (GumInvocationContext * ic) {
  guint idx = GPOINTER_TO_UINT (gum_invocation_context_get_listener_function_data (ic));
  return ((HookCfg *) hookcfg) + idx;
}

void on_enter (GumInvocationContext * ic) {
  HookCfg * c = cfg_of (ic);
  Inv * inv = GUM_IC_GET_INVOCATION_DATA (ic, Inv);
  inv->keep = 0;
  if (!c->enabled) return;
  if (muted_tid != 0 && (gint) gum_invocation_context_get_thread_id (ic) == muted_tid) return;
  inv->slen = 0;
  inv->a0 = GPOINTER_TO_SIZE (gum_invocation_context_get_nth_argument (ic, 0));
  inv->a1 = GPOINTER_TO_SIZE (gum_invocation_context_get_nth_argument (ic, 1));
  switch (c->kind) {
    case 1: {
      const char * p = gum_invocation_context_get_nth_argument (ic, c->arg_a);
      if (p == NULL || !match_any (p)) return;
      inv->slen = copy_str (inv->str, STRMAX, p);
      break;
    }
    case 2: {
      const char * a = gum_invocation_context_get_nth_argument (ic, c->arg_a);
      const char * b = c->arg_b >= 0 ? (const char *) gum_invocation_context_get_nth_argument (ic, c->arg_b) : NULL;
      gint n = copy_str (inv->str, STRMAX - 2, a);
      inv->str[n++] = 0;
      n += copy_str (inv->str + n, STRMAX - n, b);
      inv->slen = n;
      break;
    }
    case 3: {
      const guint8 * sa = gum_invocation_context_get_nth_argument (ic, c->arg_a);
      gint len = (gint) GPOINTER_TO_SIZE (gum_invocation_context_get_nth_argument (ic, c->arg_b));
      if (sa == NULL || len < 2) return;
      guint16 fam = sa[0] | (sa[1] << 8);
      if (fam != 2 && fam != 10) return;
      if (len > 128) len = 128;
      for (gint i = 0; i < len; i++) inv->str[i] = sa[i];
      inv->slen = len;
      break;
    }
    case 6: {
      /* popen/system: recorded on entry (one event per call, whatever the command does) */
      if (gum_invocation_context_get_depth (ic) > 0) return;
      inv->slen = copy_str (inv->str, STRMAX, gum_invocation_context_get_nth_argument (ic, c->arg_a));
      inv->out = NULL;
      emit (ic, c, inv, 0);
      return;
    }
    case 7: {
      /* posix_spawn(p): recorded on entry, only for a program that exists and is executable */
      if (gum_invocation_context_get_depth (ic) > 0) return;
      const char * path = gum_invocation_context_get_nth_argument (ic, c->arg_a);
      char * const * argv = gum_invocation_context_get_nth_argument (ic, c->arg_b);
      if (path == NULL || (path[0] == '/' && access (path, 1) != 0)) return;
      gint n = copy_str (inv->str, STRMAX - 1, path);
      inv->str[n++] = 0;
      for (gint i = 0; argv != NULL && argv[i] != NULL && i < 64 && n < STRMAX - 1; i++) {
        if (i > 0) inv->str[n++] = 0x1f; /* unit separator: argument boundaries survive */
        n += copy_str (inv->str + n, STRMAX - 1 - n, argv[i]);
      }
      inv->slen = n;
      inv->out = NULL;
      emit (ic, c, inv, 0);
      return;
    }
    case 4: {
      const char * name = gum_invocation_context_get_nth_argument (ic, 0);
      gint n = copy_str (inv->str, 127, name);
      inv->str[n++] = 0;
      inv->slen = n;
      inv->out = gum_invocation_context_get_nth_argument (ic, 1);
      break;
    }
    default:
      break;
  }
  inv->keep = 1;
}

static void emit (GumInvocationContext * ic, HookCfg * c, Inv * inv, gint64 ret) {
  gint64 t = now_us ();
  if (c->cap > 0) {
    gint w = (gint) (t / 1000000);
    if (c->window != w) { c->window = w; c->emitted = 0; }
    if (g_atomic_int_add (&c->emitted, 1) >= c->cap) { g_atomic_int_add (&c->suppressed, 1); return; }
  }
  guint nslots = (guint) nslots_var;
  /* No compare-and-swap in the CModule runtime: check for room first, then fetch-add. Threads that
     pass the check together overshoot by at most their number; MARGIN slots absorb that. */
  if ((guint) ATOMIC_GET (&ring_head) - (guint) ATOMIC_GET (&ring_tail) >= nslots - MARGIN) {
    /* Ring full: back-pressure. The calling thread waits (up to block_ms) for the JS drain rather
       than losing the event; only past that is the event counted as dropped. */
    gint waited = 0;
    gint limit = ATOMIC_GET (&block_us);
    while ((guint) ATOMIC_GET (&ring_head) - (guint) ATOMIC_GET (&ring_tail) >= nslots - MARGIN) {
      if (waited >= limit) { g_atomic_int_add (&dropped, 1); return; }
      usleep (500);
      waited += 500;
    }
  }
  guint h = (guint) g_atomic_int_add (&ring_head, 1);
  Rec * r = (Rec *) (ring + (gsize) (h & (nslots - 1)) * SLOT);
  r->hook = GPOINTER_TO_UINT (gum_invocation_context_get_listener_function_data (ic));
  r->t_us = t;
  r->ret = ret;
  r->a0 = inv->a0;
  r->a1 = inv->a1;
  r->ra = GPOINTER_TO_SIZE (gum_invocation_context_get_return_address (ic));
  r->tid = gum_invocation_context_get_thread_id (ic);
  gint n = inv->slen;
  for (gint i = 0; i < n; i++) r->str[i] = inv->str[i];
  if (c->kind == 4 && inv->out != NULL && (gint) ret > 0) {
    n += copy_str (r->str + n, STRMAX - n, (const char *) inv->out);
  }
  r->slen = n;
  g_atomic_int_add (&r->ready, 1);
}

void on_leave (GumInvocationContext * ic) {
  Inv * inv = GUM_IC_GET_INVOCATION_DATA (ic, Inv);
  if (!inv->keep) return;
  emit (ic, cfg_of (ic), inv, (gint64) GPOINTER_TO_SIZE (gum_invocation_context_get_return_value (ic)));
}

/* raw hooks record on entry only: no return trampoline, the cheapest hook Frida has. */
void on_enter_raw (GumInvocationContext * ic) {
  HookCfg * c = cfg_of (ic);
  if (!c->enabled) return;
  if (muted_tid != 0 && (gint) gum_invocation_context_get_thread_id (ic) == muted_tid) return;
  Inv inv;
  inv.slen = 0;
  inv.out = NULL;
  inv.a0 = GPOINTER_TO_SIZE (gum_invocation_context_get_nth_argument (ic, 0));
  inv.a1 = GPOINTER_TO_SIZE (gum_invocation_context_get_nth_argument (ic, 1));
  emit (ic, c, &inv, 0);
}

gint drain (guint8 * out, gint max, guint8 * blob, gint blobmax) {
  guint nslots = (guint) nslots_var;
  guint t0 = (guint) ATOMIC_GET (&ring_tail);
  guint t = t0;
  gint n = 0; gint used = 0;
  while (n < max) {
    Rec * r = (Rec *) (ring + (gsize) (t & (nslots - 1)) * SLOT);
    if (!ATOMIC_GET (&r->ready)) break;
    if (used + (gint) r->slen > blobmax) break;
    guint8 * o = out + n * ${HEADER};
    *(gint64 *) (o + 0) = r->t_us;
    *(gint64 *) (o + 8) = r->ret;
    *(guint64 *) (o + 16) = r->a0;
    *(guint64 *) (o + 24) = r->a1;
    *(guint64 *) (o + 32) = r->ra;
    *(guint32 *) (o + 40) = r->tid;
    *(guint16 *) (o + 44) = (guint16) r->hook;
    *(guint16 *) (o + 46) = (guint16) r->slen;
    *(guint32 *) (o + 48) = (guint32) used;
    *(guint32 *) (o + 52) = 0;
    for (guint i = 0; i < r->slen; i++) blob[used + i] = r->str[i];
    used += r->slen;
    g_atomic_int_add (&r->ready, -1);
    t++; n++;
  }
  g_atomic_int_add (&ring_tail, (gint) (t - t0));
  *(gint *) (blob + blobmax) = used;
  return n;
}

gint take_suppressed (gint idx) {
  HookCfg * c = ((HookCfg *) hookcfg) + idx;
  gint v = ATOMIC_GET (&c->suppressed);
  if (v != 0) g_atomic_int_add (&c->suppressed, -v);
  return v;
}

gint take_dropped (void) {
  gint v = ATOMIC_GET (&dropped);
  if (v != 0) g_atomic_int_add (&dropped, -v);
  return v;
}
`;

const CFG_SIZE = 32;

export interface NativeDrain {
    n: number;
    payload: ArrayBuffer | null;
}

/** The CModule and its shared memory; one per agent. */
/** The path globs as C strings back to back, ended by an empty one ("a\0b\0\0"). Built byte by
 * byte: `Memory.allocUtf8String` stops at the first NUL of a JS string, which silently left only
 * the first glob active. */
function packGlobs(globs: string[]): NativePointer {
    const parts = globs.map((g) => Memory.allocUtf8String(g));
    const lens = parts.map((p) => {
        let n = 0;
        while (p.add(n).readU8() !== 0) n++;
        return n;
    });
    const total = lens.reduce((a, b) => a + b + 1, 0) + 2;
    const mem = Memory.alloc(total);
    let off = 0;
    parts.forEach((p, i) => {
        Memory.copy(mem.add(off), p, lens[i]);
        mem.add(off + lens[i]).writeU8(0);
        off += lens[i] + 1;
    });
    mem.add(off).writeU8(0);
    mem.add(off + 1).writeU8(0);
    return mem;
}

export class NativeRing {
    readonly cm: CModule;
    private cfg: NativePointer;
    private out: NativePointer;
    private blob: NativePointer;
    private drainFn: NativeFunction<number, [NativePointerValue, number, NativePointerValue, number]>;
    private suppressedFn: NativeFunction<number, [number]>;
    private droppedFn: NativeFunction<number, []>;
    private readonly maxOut: number;
    private readonly blobMax: number;
    // keep the allocations alive as long as the module
    private keep: NativePointer[] = [];

    constructor(slots: number, hookCount: number, globs: string[], blockMs = 200, maxOut = 4096) {
        let n = 1;
        while (n < slots) n <<= 1;
        this.maxOut = maxOut;
        this.blobMax = maxOut * 256;
        const ring = Memory.alloc(n * SLOT);
        const counters = Memory.alloc(64);
        this.cfg = Memory.alloc(Math.max(1, hookCount) * CFG_SIZE);
        const globMem = packGlobs(globs);
        this.out = Memory.alloc(maxOut * HEADER);
        this.blob = Memory.alloc(this.blobMax + 8);
        counters.add(12).writeS32(n);
        counters.add(16).writeS32(blockMs * 1000);
        this.keep.push(ring, counters, globMem);
        const clock = Module.getGlobalExportByName("clock_gettime");
        this.cm = new CModule(SOURCE, {
            clock_gettime: clock,
            usleep: Module.getGlobalExportByName("usleep"),
            access: Module.getGlobalExportByName("access"),
            block_us: counters.add(16),
            ring_head: counters,
            ring_tail: counters.add(4),
            dropped: counters.add(8),
            muted_tid: mutedTid,
            nslots_var: counters.add(12),
            ring,
            hookcfg: this.cfg,
            globs: globMem,
        });
        this.drainFn = new NativeFunction(this.cm.drain, "int", ["pointer", "int", "pointer", "int"]);
        this.suppressedFn = new NativeFunction(this.cm.take_suppressed, "int", ["int"]);
        this.droppedFn = new NativeFunction(this.cm.take_dropped, "int", []);
    }

    configure(index: number, kind: number, argA: number, argB: number, cap: number): void {
        const p = this.cfg.add(index * CFG_SIZE);
        p.writeS32(kind);
        p.add(4).writeS32(argA);
        p.add(8).writeS32(argB);
        p.add(12).writeS32(cap);
        p.add(28).writeS32(1);
    }

    setEnabled(index: number, on: boolean): void {
        this.cfg.add(index * CFG_SIZE + 28).writeS32(on ? 1 : 0);
    }

    callbacks(kind: number): { onEnter: NativePointer; onLeave?: NativePointer } {
        if (kind === 0) return { onEnter: this.cm.on_enter_raw };
        return { onEnter: this.cm.on_enter, onLeave: this.cm.on_leave };
    }

    /** Move ready records out of the ring: headers then the string blob, as one buffer. */
    drain(): NativeDrain {
        const n = this.drainFn(this.out, this.maxOut, this.blob, this.blobMax);
        if (n === 0) return { n: 0, payload: null };
        const used = this.blob.add(this.blobMax).readS32();
        const headers = new Uint8Array(this.out.readByteArray(n * HEADER)!);
        const payload = new Uint8Array(n * HEADER + used);
        payload.set(headers, 0);
        if (used > 0) payload.set(new Uint8Array(this.blob.readByteArray(used)!), n * HEADER);
        return { n, payload: payload.buffer };
    }

    takeSuppressed(index: number): number {
        return this.suppressedFn(index);
    }

    takeDropped(): number {
        return this.droppedFn();
    }

    get maxPerDrain(): number {
        return this.maxOut;
    }
}
