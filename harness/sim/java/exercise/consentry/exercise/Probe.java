package consentry.exercise;

/** The marker the exercise hooks: mark(i) opens call i's window, mark(-1) closes the last one. */
public final class Probe {
    private static volatile int last;

    private Probe() { }

    public static void mark(int i) {
        last = i;
    }
}
