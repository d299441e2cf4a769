package dev.evonorm.bench;

import dev.evonorm.graph.Formula;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.screen.FunctionalHash;
import dev.evonorm.screen.NumericProbe;
import dev.evonorm.screen.Stage;
import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Replays a finished run's candidates through a functional-hash scheme and reports what its dedupe
 * would have saved: which candidates that reached the quality protocol (so cost training time)
 * share a hash with an earlier one, and their evaluation seconds. Read-only; not a test, it prints.
 *
 * <p>Usage: {@code HashReplay RUN_DB [training|outputs]}. Layer options are the defaults (the
 * runs it was written for used them). It also counts how many recomputed hashes equal the stored
 * ones: with the run's own scheme, all of them unless this build computes the layers' arithmetic
 * differently from the build that made the run.
 */
public final class HashReplay {
    private static final Set<Stage> TRAINED = EnumSet.of(Stage.QUALITY, Stage.STABILITY, Stage.TRAINING, Stage.ACCEPTED);

    private HashReplay() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: HashReplay RUN_DB [training|outputs]");
            System.exit(2);
        }
        FunctionalHash scheme = FunctionalHash.fromToken(args.length > 1 ? args[1] : "training");
        LayerOptions options = LayerOptions.defaults();
        Map<String, Long> first = new HashMap<>();
        int reached = 0;
        int merged = 0;
        int fullyTrained = 0;
        int mergedFullyTrained = 0;
        double seconds = 0;
        double savedSeconds = 0;
        int reproduced = 0;
        try (RunStore store = RunStore.open(Path.of(args[0]))) {
            for (CandidateRecord c : store.completed()) {
                if (!c.wasEvaluated() || !TRAINED.contains(c.verdict().stage())) {
                    continue;
                }
                reached++;
                boolean trained = c.verdict().stage() == Stage.ACCEPTED || c.verdict().stage() == Stage.TRAINING;
                fullyTrained += trained ? 1 : 0;
                seconds += c.verdict().seconds();
                String hash = NumericProbe.probe(c.graph(), options, scheme).functionalHash();
                reproduced += hash.equals(c.verdict().functionalHash()) ? 1 : 0;
                Long earlier = first.putIfAbsent(hash, c.id());
                if (earlier != null) {
                    merged++;
                    mergedFullyTrained += trained ? 1 : 0;
                    savedSeconds += c.verdict().seconds();
                    System.out.printf("#%d = #%d  %s  %s%n", c.id(), earlier, c.verdict().stage().token(),
                            Formula.unicode(c.graph()));
                }
            }
        }
        System.out.printf("%s hash: %d of %d candidates that reached the quality protocol share a hash with an earlier one "
                + "(%d of the %d fully trained); %.0f of %.0f evaluation seconds%n", scheme.token(), merged, reached,
                mergedFullyTrained, fullyTrained, savedSeconds, seconds);
        // With the scheme the run was made with, this says whether this build still computes the
        // stored hashes (a resumed run dedupes against them).
        System.out.printf("stored hashes reproduced: %d of %d (%d differ)%n", reproduced, reached, reached - reproduced);
    }
}
