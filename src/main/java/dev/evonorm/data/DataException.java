package dev.evonorm.data;

/**
 * A problem with data files or a data configuration that the user can fix: a missing, corrupt,
 * truncated or mismatched file, a failed download, an unknown dataset, an impossible split.
 *
 * <p>The message is one line that names the file (or setting) and the fix, so the CLI can print
 * it as is and exit with code 2.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(oneLine(message));
    }

    public DataException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Causes' messages are quoted into ours and may span lines; the CLI prints exactly one. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
