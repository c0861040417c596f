package consentry.exercise;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `consentry hooks exercise`'s app: an Application on the generated framework that makes every
 * planned call once (Calls.java), writes one line per call that threw to OUT, then OUT.done,
 * and waits to be killed (the host kills the JVM instead of unloading the agent).
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path out = Path.of(args[0]);
        android.content.Context ctx = new android.app.ContextImpl("consentry.exercise");
        android.app.Application app = new android.app.Application(ctx);
        android.app.ActivityThread.setCurrentApplication(app);
        File tmp = File.createTempFile("consentry-exercise", ".bin");
        tmp.deleteOnExit();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            for (int i = 0; i < Calls.COUNT; i++) {
                try {
                    Calls.call(i, ctx, app, tmp);
                } catch (Throwable t) {
                    w.println(i + "\t" + t.toString().replace('\n', ' ').replace('\t', ' '));
                }
            }
            Probe.mark(-1);
        }
        Files.writeString(Path.of(args[0] + ".done"), "done\n");
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
