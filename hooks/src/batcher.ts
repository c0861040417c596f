/**
 * Everything the agent reports leaves through here, batched by size and by time: JS-path events,
 * the native ring's records, new stacks and TLS chunks. One flush sends, in this order,
 * `stacks:new` (so every stack id is known before it is used), `tls:data`, `events:batch`.
 * send() costs about 16 us whatever its size, so one message per call site caps an agent near
 * 20,000 events/s; batches of 1,000 reach 250,000+ (see ../shared/NOTES.md).
 */
import { nowUs } from "./clock.js";
import { StackTable } from "./stacks.js";
import { NativeRing } from "./native/ring.js";
import type { AgentConfig, EventRow, TlsChunk, WarningCode } from "./types.js";

export class Batcher {
    readonly stacks = new StackTable();
    private events: EventRow[] = [];
    private tls: TlsChunk[] = [];
    private tlsBytes: ArrayBuffer[] = [];
    private tlsSize = 0;
    private seq = 0;
    private timer: ReturnType<typeof setTimeout> | null = null;
    private ring: NativeRing | null = null;
    private nativeHooks: number[] = [];
    private closed = false;
    private moduleSource: (() => { name: string; base: string; size: number }[]) | null = null;
    private cappedSources: (() => EventRow[])[] = [];
    sent = { events: 0, native: 0, batches: 0, tls_chunks: 0, dropped: 0, capped: 0 };

    constructor(private cfg: AgentConfig) {}

    attachRing(ring: NativeRing, hookIndexes: number[]): void {
        this.ring = ring;
        this.nativeHooks = hookIndexes;
    }

    setModuleSource(fn: () => { name: string; base: string; size: number }[]): void {
        this.moduleSource = fn;
    }

    /** JS-path hooks (Java) report their folded counts through this at each flush. */
    addCappedSource(fn: () => EventRow[]): void {
        this.cappedSources.push(fn);
    }

    start(): void {
        this.schedule();
    }

    push(row: EventRow): void {
        this.events.push(row);
        if (this.events.length >= this.cfg.batch_events) this.flush();
    }

    pushTls(chunk: TlsChunk, bytes: ArrayBuffer | null): void {
        this.tls.push(chunk);
        if (bytes !== null) {
            this.tlsBytes.push(bytes);
            this.tlsSize += bytes.byteLength;
        }
        if (this.tls.length >= 256 || this.tlsSize >= 1 << 20) this.flushTls();
    }

    warn(code: WarningCode, ids: string[], detail: string): void {
        send({ type: "agent:warning", code, ids, detail, t_us: nowUs() });
    }

    private schedule(): void {
        if (this.closed) return;
        this.timer = setTimeout(() => {
            this.timer = null;
            try {
                this.flush();
            } finally {
                this.schedule();
            }
        }, this.cfg.batch_ms);
    }

    private flushStacks(): void {
        const fresh = this.stacks.take();
        if (fresh.length > 0) send({ type: "stacks:new", stacks: fresh });
    }

    private flushTls(): void {
        this.flushStacks();
        if (this.tls.length === 0) return;
        const all = new Uint8Array(this.tlsSize);
        let off = 0;
        for (const b of this.tlsBytes) {
            all.set(new Uint8Array(b), off);
            off += b.byteLength;
        }
        send({ type: "tls:data", chunks: this.tls }, all.buffer);
        this.sent.tls_chunks += this.tls.length;
        this.tls = [];
        this.tlsBytes = [];
        this.tlsSize = 0;
    }

    /** Folded counts of rate-capped native hooks become rows with `count`. */
    private collectCapped(): void {
        if (this.ring === null) return;
        const t = nowUs();
        for (const idx of this.nativeHooks) {
            const n = this.ring.takeSuppressed(idx);
            if (n > 0) {
                this.events.push([t, idx, 0, { capped: true }, null, null, n, null]);
                this.sent.capped += n;
            }
        }
    }

    flush(): void {
        if (this.moduleSource !== null) {
            const mods = this.moduleSource();
            if (mods.length > 0) send({ type: "agent:modules", modules: mods });
        }
        for (const src of this.cappedSources) {
            for (const row of src()) {
                this.events.push(row);
                this.sent.capped += row[6];
            }
        }
        this.flushStacks();
        this.flushTls();
        let dropped = 0;
        if (this.ring !== null) {
            dropped = this.ring.takeDropped();
            this.sent.dropped += dropped;
            this.collectCapped();
            // Drain until the ring is empty (bounded, so a flood cannot starve the JS thread).
            for (let round = 0; round < 64; round++) {
                const d = this.ring.drain();
                if (d.n === 0) break;
                this.sendBatch({ n: d.n }, d.payload, round === 0 ? dropped : 0);
                dropped = 0;
                if (d.n < this.ring.maxPerDrain) break;
            }
        }
        if (this.events.length > 0 || dropped > 0) this.sendBatch(null, null, dropped);
    }

    private sendBatch(native: { n: number } | null, payload: ArrayBuffer | null, dropped: number): void {
        const events = this.events;
        this.events = [];
        const msg = {
            type: "events:batch",
            seq: this.seq++,
            events,
            native: native === null ? null : { n: native.n, header: 56 },
            dropped,
            // the device clock when sent: the host compares it with its own clock at receipt
            // and notices the device's clock jumping mid-run (harness/instrument/writer.py)
            sent_us: nowUs(),
        };
        if (payload !== null) send(msg, payload);
        else send(msg);
        this.sent.events += events.length;
        this.sent.native += native?.n ?? 0;
        this.sent.batches++;
    }

    close(): void {
        this.closed = true;
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        this.flush();
    }
}
