package dev.evonorm.search;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a search stops: after a number of evaluated candidates, or after a wall-clock time (counted
 * over all sessions of a resumed run). Written {@code 500} or {@code 90s}, {@code 30m}, {@code 2h},
 * {@code 1h30m}.
 */
public record Budget(long candidates, Duration wallTime) {
    private static final Pattern TIME = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    public Budget {
        if ((candidates > 0) == (wallTime != null)) {
            throw new IllegalArgumentException("a budget is either a candidate count or a wall time");
        }
    }

    public static Budget ofCandidates(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("budget of " + n + " candidates is impossible; use a positive count such as 500, or a time such as 2h");
        }
        return new Budget(n, null);
    }

    public static Budget ofTime(Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("budget of " + d + " is impossible; use a positive time such as 30m or 2h");
        }
        return new Budget(0, d);
    }

    public static Budget parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+")) {
            return ofCandidates(Long.parseLong(t));
        }
        Matcher m = TIME.matcher(t);
        if (!t.isEmpty() && m.matches()) {
            long seconds = 0;
            seconds += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
            seconds += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
            seconds += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
            return ofTime(Duration.ofSeconds(seconds));
        }
        throw new IllegalArgumentException("budget '" + text + "' is not understood; write a candidate count (500) or a time (90s, 30m, 2h, 1h30m)");
    }

    public boolean isTime() {
        return wallTime != null;
    }

    /** True once either limit is reached. */
    public boolean exhausted(long candidatesEvaluated, Duration elapsed) {
        return isTime() ? elapsed.compareTo(wallTime) >= 0 : candidatesEvaluated >= candidates;
    }

    @Override
    public String toString() {
        if (!isTime()) {
            return Long.toString(candidates);
        }
        long s = wallTime.getSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
