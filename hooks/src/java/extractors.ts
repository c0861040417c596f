/**
 * Small named extractors for Java arguments and return values. Each turns a call into
 * {args, ret, cat} where `cat` overrides the entry's category (a ContentResolver query on the
 * contacts provider is `contacts`), or returns null to drop calls that are not personal
 * information (Settings.Secure.getString of an animation scale, getPackageInfo of the app itself).
 * Values are JSON-safe and size-capped; nothing here may throw into the app (callers catch).
 * Extractors run inside the hook's re-entrancy window: hooked getters they call (Location's
 * getLatitude) are not recorded again.
 */
import Java from "frida-java-bridge";

export interface Extracted {
    args: unknown;
    ret: unknown;
    cat: string | null;
}

export interface Ctx {
    self: any;
    args: any[];
    ret: any;
    cap: number;
    ownPackage: () => string | null;
    /** category of an identifier property name, or null when the name is not an identifier */
    propCategory: (name: string) => string | null;
}

export function capStr(s: string, cap: number): string {
    return s.length > cap ? s.slice(0, cap) + "…" : s;
}

export function toJson(v: any, cap: number, depth = 0): unknown {
    if (v === null || v === undefined) return null;
    const t = typeof v;
    if (t === "number" || t === "boolean") return v;
    if (t === "string") return capStr(v, cap);
    if (t === "object" && typeof v.length === "number" && v.$className === undefined && depth < 1) {
        const out: unknown[] = [];
        for (let i = 0; i < Math.min(v.length, 16); i++) out.push(toJson(v[i], cap, depth + 1));
        if (v.length > 16) out.push(`…${v.length - 16} more`);
        return out;
    }
    try {
        return capStr(String(v.toString()), cap);
    } catch {
        return `<${t}>`;
    }
}

function genericArgs(c: Ctx): unknown[] {
    return c.args.map((a) => toJson(a, c.cap));
}

const URI_CLASSES: [RegExp, string][] = [
    [/^(com\.android\.contacts|contacts)(\/|$)/, "contacts"],
    [/^call_log(\/|$)/, "call_log"],
    [/^(sms|mms|mms-sms)(\/|$)/, "sms"],
    [/^com\.android\.calendar(\/|$)/, "calendar"],
    [/^media(\/|$)/, "storage"],
    [/^(browser|com\.android\.browser)(\/|$)/, "browser"],
    [/^(telephony|icc)(\/|$)/, "sim_info"],
    // vendors' identifier (OAID/VAID/AAID) providers: vivo, Meizu, nubia (Android_CN_OAID)
    [/^(com\.vivo\.vms\.IdProvider|com\.meizu\.flyme\.openidsdk|cn\.nubia\.identity)(\/|$)/, "device_id"],
];

export function classifyUri(uri: string): string | null {
    const m = /^content:\/\/(.*)$/.exec(uri);
    if (m === null) return null;
    for (const [re, cat] of URI_CLASSES) if (re.test(m[1])) return cat;
    return null;
}

const ID_SETTINGS: Record<string, string> = {
    android_id: "device_id",
    bluetooth_address: "bluetooth",
    bluetooth_name: "bluetooth",
    device_name: "device_id",
    wifi_mac_address: "wifi_info",
};

/**
 * Packages of the platform itself (the framework, system apps, Google Play services and its
 * store): every app binds to and sends to them; an intent to one is IPC with the system, not
 * the app starting another app.
 */
const PLATFORM_PACKAGES = /^(android|com\.android\..*|com\.google\.android\.(gms|gsf)|com\.android\.vending)$/;

/** Shell commands that start or install apps (am/cmd activity, monkey, pm/cmd package install). */
const LAUNCH_COMMAND = /^(\S*\/)?(am\s+(start|startservice|start-activity|start-service|broadcast)|cmd\s+activity\s+start|monkey\s+-p)\b/;
const INSTALL_COMMAND = /^(\S*\/)?(pm\s+install|cmd\s+package\s+install)\b/;

function intentInfo(intent: any): Record<string, unknown> | null {
    if (intent === null || intent === undefined) return null;
    const cmp = intent.getComponent();
    const pkg = intent.getPackage();
    const data = intent.getDataString();
    return {
        action: intent.getAction() === null ? null : String(intent.getAction()),
        component: cmp === null ? null : String(cmp.flattenToString()),
        package: pkg === null ? (cmp === null ? null : String(cmp.getPackageName())) : String(pkg),
        data: data === null ? null : capStr(String(data), 200),
    };
}

/**
 * Scope of an IP address literal: `loopback` and `unspecified` are no one's address; `local` is a
 * private, link-local, unique-local or carrier-grade NAT address (the device on its network);
 * `public` a globally routable one (what servers see).
 */
export function ipScope(ip: string): string {
    const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
    if (v4 !== null) {
        const [a, b] = [Number(v4[1]), Number(v4[2])];
        if (a === 127) return "loopback";
        if (a === 0) return "unspecified";
        if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 169 && b === 254)
            || (a === 100 && b >= 64 && b < 128)) return "local";
        return "public";
    }
    const v6 = ip.toLowerCase().split("%")[0];
    if (v6 === "::1") return "loopback";
    if (v6 === "::" || v6 === "0:0:0:0:0:0:0:0") return "unspecified";
    if (v6 === "0:0:0:0:0:0:0:1") return "loopback";
    if (/^fe[89ab]/.test(v6) || /^f[cd]/.test(v6)) return "local";
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
    return mapped !== null ? ipScope(mapped[1]) : "public";
}

export const EXTRACTORS: Record<string, (c: Ctx) => Extracted | null> = {
    generic: (c) => ({ args: genericArgs(c), ret: toJson(c.ret, c.cap), cat: null }),

    /** ContentResolver.* (Uri first): the URI and its provider class. */
    uri: (c) => {
        const uri = c.args[0] === null || c.args[0] === undefined ? "" : String(c.args[0].toString());
        const cat = classifyUri(uri);
        const rest = c.args.slice(1).map((a) => toJson(a, 200));
        let ret: unknown = null;
        try {
            if (c.ret !== null && c.ret !== undefined && typeof c.ret.getCount === "function") ret = { rows: c.ret.getCount() };
            else ret = toJson(c.ret, 200);
        } catch {
            ret = null;
        }
        return { args: { uri: capStr(uri, 300), provider: cat, rest }, ret, cat: cat ?? "content_other" };
    },

    /** Settings.{Secure,System,Global}.get*(resolver, name): only identifier keys are kept. */
    settings_key: (c) => {
        const name = String(c.args[1]);
        const cat = ID_SETTINGS[name];
        if (cat === undefined) return null;
        return { args: { name }, ret: toJson(c.ret, c.cap), cat };
    },

    /** requestPermissions(...): the String[] argument, wherever it is. */
    permissions: (c) => {
        let perms: unknown = null;
        for (const a of c.args) {
            if (a !== null && a !== undefined && typeof a === "object" && typeof a.length === "number" && a.$className === undefined) {
                perms = toJson(a, 200);
                break;
            }
        }
        return { args: { permissions: perms }, ret: null, cat: null };
    },

    /** start/bind/broadcast: an app launch only for an explicit intent (component or package)
     * naming another app: implicit intents and broadcasts, the app's own package and the
     * platform's packages are dropped. */
    intent: (c) => {
        const intents: any[] = [];
        for (const a of c.args) {
            if (a === null || a === undefined) continue;
            if (a.$className === "android.content.Intent") intents.push(a);
            else if (typeof a.length === "number" && a.$className === undefined) {
                for (let i = 0; i < a.length; i++) if (a[i] !== null && a[i].$className === "android.content.Intent") intents.push(a[i]);
            }
        }
        const own = c.ownPackage();
        const infos = intents.map(intentInfo).filter((i): i is Record<string, unknown> => i !== null)
            .filter((i) => typeof i.package === "string" && i.package !== own && !PLATFORM_PACKAGES.test(i.package));
        if (infos.length === 0) return null;
        return { args: infos.length === 1 ? infos[0] : infos, ret: null, cat: null };
    },

    /** Runtime.exec / ProcessBuilder.start: the command line; app_launch or install only when the
     * command starts or installs an app, otherwise a `process` signal (not personal information). */
    command: (c) => {
        let argv: string[] = [];
        try {
            const a0 = c.args[0];
            if (c.self !== null && c.self !== undefined && c.args.length === 0 && typeof c.self.command === "function") {
                const list = c.self.command();
                for (let i = 0; i < list.size(); i++) argv.push(String(list.get(i)));
            } else if (typeof a0 === "string") {
                argv = [a0];
            } else if (a0 !== null && a0 !== undefined && typeof a0.length === "number") {
                for (let i = 0; i < a0.length; i++) argv.push(String(a0[i]));
            }
        } catch { /* keep what we have */ }
        const line = capStr(argv.join(" ").trim(), 300);
        const cat = INSTALL_COMMAND.test(line) ? "install" : LAUNCH_COMMAND.test(line) ? "app_launch" : "process";
        return { args: { command: line }, ret: null, cat };
    },

    /** SystemProperties.get(name[, default]): only identifier properties, by the same name
     * pattern as the native __system_property_get rows. */
    prop: (c) => {
        const name = c.args[0] === null || c.args[0] === undefined ? "" : String(c.args[0]);
        const cat = c.propCategory(name);
        if (cat === null) return null;
        return { args: { name }, ret: toJson(c.ret, c.cap), cat };
    },

    /** getPackageInfo/getApplicationInfo/... (String package first): skip the app itself. */
    package_arg: (c) => {
        const pkg = c.args[0] === null || c.args[0] === undefined ? null : String(c.args[0]);
        if (pkg !== null && pkg === c.ownPackage()) return null;
        return { args: { package: pkg }, ret: c.ret === null ? null : "found", cat: null };
    },

    /** list returners (installed packages, scan results, accounts): the size, not the content. */
    list_size: (c) => {
        let size: unknown = null;
        try {
            if (c.ret !== null && c.ret !== undefined) size = typeof c.ret.size === "function" ? c.ret.size() : c.ret.length;
        } catch {
            size = null;
        }
        return { args: genericArgs(c), ret: { size }, cat: null };
    },

    /** Location getters and listeners: coordinates of a returned Location. */
    location: (c) => {
        const l = c.ret;
        if (l === null || l === undefined || typeof l.getLatitude !== "function") {
            return { args: genericArgs(c), ret: toJson(l, c.cap), cat: null };
        }
        return {
            args: genericArgs(c),
            ret: { lat: l.getLatitude(), lon: l.getLongitude(), provider: String(l.getProvider()), acc: l.getAccuracy() },
            cat: null,
        };
    },

    /** View.performClick / CompoundButton.setChecked: the control's text, for the consent
     * observer. getText is TextView's: the View is cast when it is one (a Button, a CheckBox). */
    view_text: (c) => {
        const v = c.self;
        let text: string | null = null;
        let desc: string | null = null;
        let id: string | null = null;
        try {
            const TextView = Java.use("android.widget.TextView");
            if (TextView.class.isInstance(v)) {
                const t = Java.cast(v, TextView).getText();
                text = t === null ? null : capStr(String(t), 200);
            }
        } catch { /* no TextView class */ }
        try {
            const d = v.getContentDescription();
            desc = d === null ? null : capStr(String(d), 200);
        } catch { /* none */ }
        try {
            id = v.getId() > 0 ? String(v.getResources().getResourceEntryName(v.getId())) : null;
        } catch { /* no resource name */ }
        return { args: { view: String(v.$className), text, desc, id }, ret: c.ret, cat: null };
    },

    /** InetAddress / InetSocketAddress reads: the address and its scope (local or public). An
     * address known by a host name (`name/1.2.3.4`) is a destination the app resolved, not the
     * device's own address, and loopback or unspecified addresses are no one's: those are dropped. */
    ip: (c) => {
        let addr = c.self;
        if (addr !== null && addr !== undefined && addr.$className === "java.net.InetSocketAddress") addr = addr.getAddress();
        if (addr === null || addr === undefined) return null;
        const shown = String(addr.toString());
        const slash = shown.lastIndexOf("/");
        const literal = slash >= 0 ? shown.slice(slash + 1) : String(addr.getHostAddress());
        // getHostName of an address without a name stores the literal as its name (failed reverse lookup)
        if (slash > 0 && shown.slice(0, slash) !== literal) return null;
        const scope = ipScope(literal);
        if (scope === "loopback" || scope === "unspecified") return null;
        let ret: unknown = toJson(c.ret, c.cap);
        if (c.ret !== null && c.ret !== undefined && typeof c.ret !== "string" && typeof c.ret.length === "number"
            && c.ret.$className === undefined) ret = literal; // byte[]: the literal it encodes
        return { args: { ip: literal, scope }, ret, cat: null };
    },

    /** Dialog.show and friends: which dialog class. */
    self_class: (c) => ({ args: { class: String(c.self?.$className ?? "") }, ret: null, cat: null }),
};
