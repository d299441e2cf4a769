package dev.evonorm.data;

import java.nio.file.Path;

/** The one-line messages for damaged files, worded the same way by every reader. */
final class FileProblems {
    /** What a user can do about a damaged data file, whichever reader found the damage. */
    static final String FIX = "delete it so it is downloaded again into the cache, or pass --data DIR"
            + " (or set EVONORM_DATA) pointing at a good copy";

    private FileProblems() {
    }

    static DataException damaged(Path file, String problem) {
        return new DataException(file + ": " + problem + "; " + FIX);
    }

    static DataException damaged(Path file, String problem, Throwable cause) {
        return new DataException(file + ": " + problem + "; " + FIX, cause);
    }
}
