package dev.evonorm.search;

import java.util.ArrayList;
import java.util.List;

/** The members not dominated by any other (maximising every accuracy), in their original order. */
public final class ParetoFront {
    private ParetoFront() {
    }

    public static <T extends Scored> List<T> of(List<T> members) {
        List<T> front = new ArrayList<>();
        for (T candidate : members) {
            boolean dominated = false;
            for (T other : members) {
                if (other != candidate && other.dominates(candidate)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(candidate);
            }
        }
        return front;
    }
}
