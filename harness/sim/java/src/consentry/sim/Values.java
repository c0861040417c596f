package consentry.sim;

/** What a framework call returned, as one line for the app's log (never the value itself). */
public final class Values {
    private Values() { }

    public static String text(Object v) {
        if (v == null) return null;
        if (v instanceof Object[]) return ((Object[]) v).length + " items";
        if (v instanceof android.database.Cursor) return "cursor";
        if (v instanceof CharSequence) return ((CharSequence) v).length() == 0 ? "" : "value";
        return "value";
    }
}
