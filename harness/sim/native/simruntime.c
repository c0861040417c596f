/* consentry sim: the app process's Java runtime, as Android's app_process hosts ART.
 *
 * A sim app is a native host process (Python, harness/sim/app_process) that boots a HotSpot JVM
 * in-process through the JNI invocation API, the way zygote/app_process boots ART: libjvm.so is
 * dlopen'ed and JNI_CreateJavaVM called before the process waits at the debugger gate, as ART
 * already runs in a process forked from zygote: an agent attached while gated finds the VM and
 * installs its Java hooks before the app's first Java call. (An agent attached to a process that
 * has not created its VM yet installs them when JNI_CreateJavaVM returns: hooks/src/java.)
 *
 * Every Java call the app makes goes through one of the functions below, from whatever native
 * thread the app's scheduler runs it on: the thread is attached to the VM as a daemon on its
 * first call (named as the native thread is) and detached when it exits (a pthread key
 * destructor), so the VM never walks the stack of a thread that is gone.
 *
 * The Java side is generated (harness/sim/java/gen_apps.py): the app's class `<package>.App` and
 * one class per SDK in the SDK's real package, each with
 *     static String read(android.content.Context ctx, String key)
 * and the app class also with
 *     static android.content.Context boot(String packageName)
 *     static String startService(android.content.Context ctx, String packageName)
 *     static Class<?> loadSdk(android.content.Context ctx, String jarAndClass)
 *
 * Results are copied into the caller's buffer; a Java exception is cleared and its toString()
 * copied instead, with a negative return. */
#include <dlfcn.h>
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define SIMJVM_NULL (-1)
#define SIMJVM_THREW (-2)
#define SIMJVM_ERROR (-3)

static JavaVM *vm;
static jobject app_ctx;  /* global ref: the app's Context (an android.app.Application) */
static pthread_key_t attached_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void detach_thread(void *unused) {
    (void)unused;
    if (vm) (*vm)->DetachCurrentThread(vm);
}

static void make_key(void) { pthread_key_create(&attached_key, detach_thread); }

static void copy_out(char *out, size_t n, const char *s) {
    if (!out || n == 0) return;
    size_t len = s ? strlen(s) : 0;
    if (len >= n) len = n - 1;
    if (len) memcpy(out, s, len);
    out[len] = 0;
}

static JNIEnv *env_for_thread(void) {
    JNIEnv *env = NULL;
    if (!vm) return NULL;
    jint r = (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8);
    if (r == JNI_OK) return env;
    if (r != JNI_EDETACHED) return NULL;
    char name[17] = {0};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    JavaVMAttachArgs args = {JNI_VERSION_1_8, name, NULL};
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, &args) != JNI_OK) return NULL;
    pthread_once(&key_once, make_key);
    pthread_setspecific(attached_key, (void *)1);
    return env;
}

/* A pending Java exception: cleared, its toString() into out. */
static int take_exception(JNIEnv *env, char *out, size_t n) {
    jthrowable t = (*env)->ExceptionOccurred(env);
    if (!t) return 0;
    (*env)->ExceptionClear(env);
    jclass obj = (*env)->FindClass(env, "java/lang/Object");
    jmethodID to_string = obj ? (*env)->GetMethodID(env, obj, "toString", "()Ljava/lang/String;") : NULL;
    jstring s = to_string ? (jstring)(*env)->CallObjectMethod(env, t, to_string) : NULL;
    if ((*env)->ExceptionCheck(env)) (*env)->ExceptionClear(env);
    const char *c = s ? (*env)->GetStringUTFChars(env, s, NULL) : NULL;
    copy_out(out, n, c ? c : "java.lang.Throwable");
    if (c) (*env)->ReleaseStringUTFChars(env, s, c);
    (*env)->DeleteLocalRef(env, t);
    if (obj) (*env)->DeleteLocalRef(env, obj);
    if (s) (*env)->DeleteLocalRef(env, s);
    return 1;
}

static int string_out(JNIEnv *env, jstring s, char *out, size_t n) {
    if (!s) {
        copy_out(out, n, "");
        return SIMJVM_NULL;
    }
    const char *c = (*env)->GetStringUTFChars(env, s, NULL);
    copy_out(out, n, c);
    int len = c ? (int)strlen(c) : 0;
    if (c) (*env)->ReleaseStringUTFChars(env, s, c);
    (*env)->DeleteLocalRef(env, s);
    return len;
}

/* Create the VM: `libjvm` is the path of libjvm.so, `options` one JVM option per line (the class
 * path as -Djava.class.path=...). 0 on success, else an error message in err. */
int simjvm_start(const char *libjvm, const char *options, char *err, size_t errlen) {
    if (vm) return 0;
    void *h = dlopen(libjvm, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        copy_out(err, errlen, dlerror());
        return -1;
    }
    jint (*create)(JavaVM **, void **, void *) = (jint (*)(JavaVM **, void **, void *))dlsym(h, "JNI_CreateJavaVM");
    if (!create) {
        copy_out(err, errlen, "JNI_CreateJavaVM not exported by libjvm");
        return -1;
    }
    char *copy = strdup(options ? options : "");
    JavaVMOption opts[64];
    int n = 0;
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line && n < 64; line = strtok_r(NULL, "\n", &save))
        if (*line) opts[n++].optionString = line;
    JavaVMInitArgs args = {JNI_VERSION_1_8, n, opts, JNI_FALSE};
    JNIEnv *env = NULL;
    jint r = create(&vm, (void **)&env, &args);
    free(copy);
    if (r != JNI_OK) {
        vm = NULL;
        char msg[64];
        snprintf(msg, sizeof(msg), "JNI_CreateJavaVM failed: %d", (int)r);
        copy_out(err, errlen, msg);
        return -1;
    }
    /* this thread stays attached (it created the VM) until it exits */
    pthread_once(&key_once, make_key);
    pthread_setspecific(attached_key, (void *)1);
    return 0;
}

/* A class by binary name (dots) from the application class path: a global ref, or NULL. */
jclass simjvm_class(const char *name, char *err, size_t errlen) {
    JNIEnv *env = env_for_thread();
    if (!env) {
        copy_out(err, errlen, "no Java VM");
        return NULL;
    }
    char slashed[512];
    copy_out(slashed, sizeof(slashed), name);
    for (char *p = slashed; *p; p++)
        if (*p == '.') *p = '/';
    jclass c = (*env)->FindClass(env, slashed);
    if (!c) {
        take_exception(env, err, errlen);
        return NULL;
    }
    jclass g = (jclass)(*env)->NewGlobalRef(env, c);
    (*env)->DeleteLocalRef(env, c);
    return g;
}

/* `app.boot(packageName)`: the Application and its Context, kept for every later call. */
int simjvm_boot(jclass app, const char *package, char *out, size_t n) {
    JNIEnv *env = env_for_thread();
    if (!env || !app) return SIMJVM_ERROR;
    jmethodID m = (*env)->GetStaticMethodID(env, app, "boot", "(Ljava/lang/String;)Landroid/content/Context;");
    if (!m) return take_exception(env, out, n) ? SIMJVM_THREW : SIMJVM_ERROR;
    jstring p = (*env)->NewStringUTF(env, package);
    jobject ctx = (*env)->CallStaticObjectMethod(env, app, m, p);
    (*env)->DeleteLocalRef(env, p);
    if (take_exception(env, out, n)) return SIMJVM_THREW;
    if (!ctx) return SIMJVM_NULL;
    app_ctx = (*env)->NewGlobalRef(env, ctx);
    (*env)->DeleteLocalRef(env, ctx);
    copy_out(out, n, "");
    return 0;
}

/* static String <method>(Context, String) on `cls`: a `read: KEY` step, startService, ... */
int simjvm_call(jclass cls, const char *method, const char *arg, char *out, size_t n) {
    JNIEnv *env = env_for_thread();
    if (!env || !cls || !app_ctx) {
        copy_out(out, n, "no Java VM or no application");
        return SIMJVM_ERROR;
    }
    jmethodID m = (*env)->GetStaticMethodID(env, cls, method,
                                            "(Landroid/content/Context;Ljava/lang/String;)Ljava/lang/String;");
    if (!m) return take_exception(env, out, n) ? SIMJVM_THREW : SIMJVM_ERROR;
    jstring a = (*env)->NewStringUTF(env, arg);
    jstring r = (jstring)(*env)->CallStaticObjectMethod(env, cls, m, app_ctx, a);
    (*env)->DeleteLocalRef(env, a);
    if (take_exception(env, out, n)) return SIMJVM_THREW;
    return string_out(env, r, out, n);
}

/* `app.loadSdk(ctx, "jar\nclass")`: an SDK class loaded late through the app's own class loader
 * (URLClassLoader, the JVM's DexClassLoader); a global ref, or NULL with the reason in err. */
jclass simjvm_load(jclass app, const char *jar_and_class, char *err, size_t errlen) {
    JNIEnv *env = env_for_thread();
    if (!env || !app || !app_ctx) {
        copy_out(err, errlen, "no Java VM or no application");
        return NULL;
    }
    jmethodID m = (*env)->GetStaticMethodID(env, app, "loadSdk",
                                            "(Landroid/content/Context;Ljava/lang/String;)Ljava/lang/Class;");
    if (!m) {
        take_exception(env, err, errlen);
        return NULL;
    }
    jstring a = (*env)->NewStringUTF(env, jar_and_class);
    jobject c = (*env)->CallStaticObjectMethod(env, app, m, app_ctx, a);
    (*env)->DeleteLocalRef(env, a);
    if (take_exception(env, err, errlen) || !c) return NULL;
    jclass g = (jclass)(*env)->NewGlobalRef(env, c);
    (*env)->DeleteLocalRef(env, c);
    return g;
}

/* consentry.sim.Permissions.set(csv): the runtime permissions granted now (the framework's
 * permission checks throw SecurityException for the others, as on Android). */
int simjvm_grant(const char *csv, char *out, size_t n) {
    JNIEnv *env = env_for_thread();
    if (!env) return SIMJVM_ERROR;
    jclass c = (*env)->FindClass(env, "consentry/sim/Permissions");
    if (!c) return take_exception(env, out, n) ? SIMJVM_THREW : SIMJVM_ERROR;
    jmethodID m = (*env)->GetStaticMethodID(env, c, "set", "(Ljava/lang/String;)V");
    if (!m) return take_exception(env, out, n) ? SIMJVM_THREW : SIMJVM_ERROR;
    jstring a = (*env)->NewStringUTF(env, csv);
    (*env)->CallStaticVoidMethod(env, c, m, a);
    (*env)->DeleteLocalRef(env, a);
    (*env)->DeleteLocalRef(env, c);
    return take_exception(env, out, n) ? SIMJVM_THREW : 0;
}
