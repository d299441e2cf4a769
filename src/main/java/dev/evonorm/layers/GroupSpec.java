package dev.evonorm.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How many channel groups a group aggregate (or GroupNorm) uses for a given channel count.
 *
 * <ul>
 *   <li>{@link #upTo(int)}: the largest divisor of C that is at most g (official EvoNorm behaviour,
 *       so it serves every C);
 *   <li>{@link #exactly(int)}: exactly g groups; C must be divisible by g;
 *   <li>{@link #channelsPerGroup(int)}: groups of s channels; C must be divisible by s.
 * </ul>
 */
public record GroupSpec(Kind kind, int value) {

    public enum Kind { UP_TO, EXACTLY, CHANNELS_PER_GROUP }

    public GroupSpec {
        if (kind == null) {
            throw new IllegalArgumentException("a group setting needs a kind (up to, exactly, channels per group)");
        }
        if (value < 1) {
            throw new IllegalArgumentException("a group setting needs a positive number, got " + value + "; use 1 or more");
        }
    }

    /** The official default: up to 32 groups. */
    public static GroupSpec defaults() {
        return upTo(32);
    }

    public static GroupSpec upTo(int groups) {
        return new GroupSpec(Kind.UP_TO, groups);
    }

    public static GroupSpec exactly(int groups) {
        return new GroupSpec(Kind.EXACTLY, groups);
    }

    public static GroupSpec channelsPerGroup(int channels) {
        return new GroupSpec(Kind.CHANNELS_PER_GROUP, channels);
    }

    /**
     * The number of groups for {@code channels} channels.
     *
     * @throws IllegalArgumentException with a one-line message naming the problem and the fix when
     *     this setting cannot serve the channel count
     */
    public int groupsFor(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("a layer needs at least 1 channel, got " + channels);
        }
        return switch (kind) {
            case UP_TO -> {
                int g = Math.min(value, channels);
                while (channels % g != 0) {
                    g--;
                }
                yield g;
            }
            case EXACTLY -> {
                if (channels % value != 0) {
                    throw new IllegalArgumentException(value + " groups do not divide " + channels
                            + " channels; use a group count that divides " + channels + " ("
                            + divisorList(channels) + ") or groups up to " + value);
                }
                yield value;
            }
            case CHANNELS_PER_GROUP -> {
                if (channels % value != 0) {
                    throw new IllegalArgumentException("groups of " + value + " channels do not divide "
                            + channels + " channels; use a group size that divides " + channels + " ("
                            + divisorList(channels) + ") or groups up to " + Math.max(1, channels / value));
                }
                yield channels / value;
            }
        };
    }

    /** A short form for messages and the catalog: {@code up to 32}, {@code 8 groups}, {@code 16 channels per group}. */
    public String describe() {
        return switch (kind) {
            case UP_TO -> "up to " + value + " groups";
            case EXACTLY -> value + " groups";
            case CHANNELS_PER_GROUP -> value + " channels per group";
        };
    }

    private static String divisorList(int n) {
        List<Integer> divisors = new ArrayList<>();
        for (int d = 1; d <= n; d++) {
            if (n % d == 0) {
                divisors.add(d);
            }
        }
        return divisors.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
