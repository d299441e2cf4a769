package dev.evonorm.search;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Primitive;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import java.util.Set;

/**
 * A deterministic stand-in for training: rejects layers that ignore x, and scores the others by
 * how many of three target primitives their live part uses (one "architecture" each), so that
 * evolution has something to climb.
 */
public final class SyntheticFitness {
    private SyntheticFitness() {
    }

    public static Verdict evaluate(Proposal p) {
        LayerGraph g = p.graph();
        if (!g.readsInput()) {
            return Verdict.rejected(Stage.VALIDITY, "output does not depend on x", null, 0, null);
        }
        Set<Primitive> used = g.primitivesUsed();
        double a = 0.3 + (used.contains(Primitive.SIGMOID) ? 0.3 : 0) + (used.contains(Primitive.VAR_GROUP) ? 0.3 : 0);
        double b = 0.3 + (used.contains(Primitive.VAR_INSTANCE) ? 0.3 : 0) + (used.contains(Primitive.DIV) ? 0.3 : 0);
        double c = 0.3 + (used.contains(Primitive.MUL) ? 0.3 : 0) + (used.contains(Primitive.SIGNED_SQRT) ? 0.3 : 0);
        if (a + b + c < 1.0) {
            return Verdict.rejected(Stage.QUALITY, "too weak", null, 0, null);
        }
        return Verdict.accepted(new double[] {a, b, c}, null, 0, null);
    }
}
