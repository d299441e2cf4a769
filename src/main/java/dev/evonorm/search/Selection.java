package dev.evonorm.search;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How a tournament picks its winner from the K per-architecture accuracies (REFERENCE.md §3).
 */
public enum Selection {
    /** The paper's choice: a uniformly random member of the tournament's Pareto front. */
    PARETO {
        @Override
        public <T extends Scored> T winner(List<T> contestants, RandomGenerator rng) {
            List<T> front = ParetoFront.of(contestants);
            return front.get(rng.nextInt(front.size()));
        }
    },
    /** The best mean accuracy; ties go to the earlier contestant. */
    AVERAGE {
        @Override
        public <T extends Scored> T winner(List<T> contestants, RandomGenerator rng) {
            T best = contestants.get(0);
            for (T c : contestants) {
                if (c.meanAccuracy() > best.meanAccuracy()) {
                    best = c;
                }
            }
            return best;
        }
    };

    public abstract <T extends Scored> T winner(List<T> contestants, RandomGenerator rng);

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Selection fromToken(String token) {
        for (Selection s : values()) {
            if (s.token().equalsIgnoreCase(token == null ? "" : token.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown selection '" + token + "'; use 'pareto' or 'average'");
    }
}
