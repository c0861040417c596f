/**
 * Every hook installation belongs to a job that can be undone (objection's jobs.ts idea, without
 * its process-wide singleton: the agent owns one Jobs instance). `dispose` reverts everything so
 * an unload leaves the app as it was.
 */
export type Undo = () => void;

export class Jobs {
    private jobs = new Map<string, Undo[]>();

    add(job: string, undo: Undo): void {
        let list = this.jobs.get(job);
        if (list === undefined) {
            list = [];
            this.jobs.set(job, list);
        }
        list.push(undo);
    }

    names(): string[] {
        return [...this.jobs.keys()];
    }

    count(): number {
        let n = 0;
        for (const list of this.jobs.values()) n += list.length;
        return n;
    }

    undo(job: string): number {
        const list = this.jobs.get(job) ?? [];
        this.jobs.delete(job);
        let failed = 0;
        for (const u of list.reverse()) {
            try {
                u();
            } catch {
                failed++;
            }
        }
        return failed;
    }

    undoAll(): number {
        let failed = 0;
        for (const name of [...this.jobs.keys()].reverse()) failed += this.undo(name);
        return failed;
    }
}
