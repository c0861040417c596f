/**
 * Stacks are sent once per distinct stack (`stacks:new`) and referred to by id afterwards.
 * The id is a 64-bit FNV-1a of the frames, hex, so the same stack gets the same id across
 * attaches of the same app build.
 */
export class StackTable {
    private known = new Set<string>();
    private fresh: { id: string; frames: string[] }[] = [];

    intern(frames: string[]): string {
        const id = fnv1a64(frames.join("\n"));
        if (!this.known.has(id)) {
            this.known.add(id);
            this.fresh.push({ id, frames });
        }
        return id;
    }

    /** id for an already-hashed key (e.g. a native return address) with lazily built frames */
    internKey(key: string, build: () => string[]): string {
        if (this.known.has(key)) return key;
        this.known.add(key);
        this.fresh.push({ id: key, frames: build() });
        return key;
    }

    has(id: string): boolean {
        return this.known.has(id);
    }

    take(): { id: string; frames: string[] }[] {
        const out = this.fresh;
        this.fresh = [];
        return out;
    }

    size(): number {
        return this.known.size;
    }
}

export function fnv1a64(s: string): string {
    // Two 32-bit FNV-1a lanes with different offsets: cheap, no BigInt on the hot path.
    let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
    }
    return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
