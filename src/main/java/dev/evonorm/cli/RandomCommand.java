package dev.evonorm.cli;

import dev.evonorm.graph.CanonicalForm;
import dev.evonorm.graph.Formula;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.graph.SearchSpace;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "random", mixinStandardHelpOptions = true,
        description = "Print random layer graphs of the search space (formula and JSON).")
final class RandomCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "5", description = "How many graphs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-independent", description = "Draw from the batch-independent space (no batch aggregates).")
    boolean batchIndependent;

    @Option(names = "--canonical", description = "Print the canonical form (dead nodes removed).")
    boolean canonical;

    @Override
    public void run() {
        if (count < 1) {
            throw new UserInputException("--count must be at least 1, got " + count);
        }
        SearchSpace space = batchIndependent ? SearchSpace.BATCH_INDEPENDENT : SearchSpace.BATCH_DEPENDENT;
        SplittableRandom rng = new SplittableRandom(seed);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < count; i++) {
            LayerGraph g = RandomGraphs.generate(space, rng);
            LayerGraph shown = canonical ? CanonicalForm.of(g) : g;
            out.printf("# %d  hash %s  %d nodes (%d live)%s%n", i + 1, CanonicalForm.structuralHash(g),
                    g.nodes().size(), CanonicalForm.of(g).nodes().size(),
                    g.dependsOnBatch() ? "  batch-dependent" : "");
            out.println(Formula.unicode(g));
            out.println(GraphJson.toJson(shown));
            out.println();
        }
        out.flush();
    }
}
