/**
 * TLS plaintext at SSL_write/SSL_read and their _ex variants (OpenSSL 1.1.1+/3, BoringSSL,
 * Conscrypt's JNI library): what the app writes before encryption and reads after decryption,
 * so traffic of apps that pin certificates is still seen. Each chunk is tied to its connection
 * by the SSL* pointer, the socket fd (SSL_get_fd from the same library) and the peer address.
 * Chunks are capped per call and per connection; the full length is still reported.
 */
import { nowUs } from "../clock.js";
import type { Batcher } from "../batcher.js";

type Dir = "write" | "read";

interface Conn {
    fd: number;
    peer: string | null;
    local: string | null;
    sni: string | null;
    bytes: number;
}

let getpeername: NativeFunction<number, [number, NativePointerValue, NativePointerValue]> | null = null;
let getsockname: NativeFunction<number, [number, NativePointerValue, NativePointerValue]> | null = null;

function libcFn(name: string): NativeFunction<number, [number, NativePointerValue, NativePointerValue]> | null {
    const p = Module.findGlobalExportByName(name);
    return p === null ? null : new NativeFunction(p, "int", ["int", "pointer", "pointer"]);
}

export function decodeSockaddr(sa: NativePointer, len: number): string | null {
    if (len < 2) return null;
    const fam = sa.readU16();
    if (fam === 2 && len >= 8) {
        const port = (sa.add(2).readU8() << 8) | sa.add(3).readU8();
        const ip = [0, 1, 2, 3].map((i) => sa.add(4 + i).readU8()).join(".");
        return `${ip}:${port}`;
    }
    if (fam === 10 && len >= 24) {
        const port = (sa.add(2).readU8() << 8) | sa.add(3).readU8();
        const parts: string[] = [];
        for (let i = 0; i < 8; i++) parts.push(((sa.add(8 + 2 * i).readU8() << 8) | sa.add(9 + 2 * i).readU8()).toString(16));
        return `[${parts.join(":")}]:${port}`;
    }
    return null;
}

function sockAddr(fn: typeof getpeername, fd: number): string | null {
    if (fn === null || fd < 0) return null;
    const buf = Memory.alloc(128);
    const len = Memory.alloc(4);
    len.writeU32(128);
    if (fn(fd, buf, len) !== 0) return null;
    return decodeSockaddr(buf, len.readU32());
}

export class TlsHooks {
    private conns = new Map<string, Conn>();
    private getFd = new Map<string, NativeFunction<number, [NativePointerValue]> | null>();
    private getSni = new Map<string, NativeFunction<NativePointer, [NativePointerValue, number]> | null>();

    constructor(private batcher: Batcher, private chunkCap: number, private connCap: number) {
        getpeername ??= libcFn("getpeername");
        getsockname ??= libcFn("getsockname");
    }

    /** Listener callbacks for one export; `variant` is tls_write, tls_read, tls_write_ex or tls_read_ex. */
    callbacks(module: Module, variant: string, hookIndex: number): InvocationListenerCallbacks {
        const dir: Dir = variant.startsWith("tls_write") ? "write" : "read";
        const ex = variant.endsWith("_ex");
        const key = module.path;
        if (!this.getFd.has(key)) {
            const p = module.findExportByName("SSL_get_fd");
            this.getFd.set(key, p === null ? null : new NativeFunction(p, "int", ["pointer"]));
        }
        const getFd = this.getFd.get(key)!;
        if (!this.getSni.has(key)) {
            const p = module.findExportByName("SSL_get_servername");
            this.getSni.set(key, p === null ? null : new NativeFunction(p, "pointer", ["pointer", "int"]));
        }
        const getSni = this.getSni.get(key)!;
        const self = this;
        return {
            onEnter(args) {
                this.ssl = args[0];
                this.buf = args[1];
                this.num = args[2].toUInt32();
                this.outLen = ex ? args[3] : null;
            },
            onLeave(retval) {
                const r = retval.toInt32();
                let n: number;
                if (ex) {
                    if (r !== 1 || this.outLen.isNull()) return;
                    const v = this.outLen.readULong();
                    n = typeof v === "number" ? v : v.toNumber();
                } else {
                    if (r <= 0) return;
                    n = r;
                }
                self.chunk(this.ssl, this.buf, n, dir, getFd, getSni, hookIndex, this.threadId);
            },
        } as InvocationListenerCallbacks;
    }

    private chunk(ssl: NativePointer, buf: NativePointer, n: number, dir: Dir,
        getFd: NativeFunction<number, [NativePointerValue]> | null,
        getSni: NativeFunction<NativePointer, [NativePointerValue, number]> | null, hook: number, tid: number): void {
        if (n <= 0) return;
        const fd = getFd === null ? -1 : getFd(ssl);
        const key = ssl.toString() + "/" + fd;
        let c = this.conns.get(key);
        if (c === undefined) {
            let sni: string | null = null;
            if (getSni !== null) {  // TLSEXT_NAMETYPE_host_name = 0; NULL when the client sent none
                const name = getSni(ssl, 0);
                sni = name.isNull() ? null : name.readCString();
            }
            c = { fd, peer: sockAddr(getpeername, fd), local: sockAddr(getsockname, fd), sni, bytes: 0 };
            this.conns.set(key, c);
        }
        const room = Math.max(0, this.connCap - c.bytes);
        const keep = Math.min(n, this.chunkCap, room);
        c.bytes += keep;
        const bytes = keep > 0 ? buf.readByteArray(keep) : null;
        this.batcher.pushTls({
            t_us: nowUs(), hook, ssl: ssl.toString(), fd, dir, peer: c.peer, local: c.local, sni: c.sni,
            len: keep, full: n, tid,
        }, bytes);
    }
}
