package dev.evonorm.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoefficientFormTest {

    private static String hash(String nodes) {
        return CoefficientForm.hash(GraphJson.parse("{\"nodes\":[" + nodes + "]}"));
    }

    /** tanh(x) + COEFFICIENT·x, the coefficient given as nodes after tanh (index 4) whose last is the coefficient. */
    private static String tanhPlusTimesX(String coefficientNodes, int coefficientIndex) {
        int count = coefficientNodes.isEmpty() ? 0 : coefficientNodes.split("\\},\\{").length;
        int mul = 5 + count;
        return hash("{\"op\":\"tanh\",\"in\":[0]}" + (coefficientNodes.isEmpty() ? "" : "," + coefficientNodes)
                + ",{\"op\":\"mul\",\"in\":[" + coefficientIndex + ",0]},{\"op\":\"add\",\"in\":[4," + mul + "]}");
    }

    @Test
    void coefficientsThatStartAtTheSameValueShareAForm() {
        // The runs18 neighbours: v0, tanh(v0), μ_{h,w,c/g}(v0), sign(v0)·ln|v0|·... all start at 0.
        String v0 = tanhPlusTimesX("", 2);
        assertEquals(v0, tanhPlusTimesX("{\"op\":\"tanh\",\"in\":[2]}", 5));
        assertEquals(v0, tanhPlusTimesX("{\"op\":\"mean_hwg\",\"in\":[2]}", 5));
        assertEquals(v0, tanhPlusTimesX("{\"op\":\"mul\",\"in\":[2,3]}", 5), "v0·v1 starts at 0 too");
        assertEquals(v0, tanhPlusTimesX("{\"op\":\"mean_hw\",\"in\":[3]},{\"op\":\"mul\",\"in\":[5,2]}", 6),
                "a coefficient built over several nodes");
        // v1 starts at 1: another form; so is tanh(v1) (0.7616) and v1 + v1 (2).
        String v1 = tanhPlusTimesX("", 3);
        assertNotEquals(v0, v1);
        assertEquals(v1, tanhPlusTimesX("{\"op\":\"abs\",\"in\":[3]}", 5));
        assertNotEquals(v1, tanhPlusTimesX("{\"op\":\"tanh\",\"in\":[3]}", 5));
        assertNotEquals(v1, tanhPlusTimesX("{\"op\":\"add\",\"in\":[3,3]}", 5));
        // The variance of a per-channel constant is ε whatever the constant.
        assertEquals(tanhPlusTimesX("{\"op\":\"var_hw\",\"in\":[2]}", 5), tanhPlusTimesX("{\"op\":\"var_bhw\",\"in\":[3]}", 5));
        // And x itself (no coefficient) is neither.
        assertNotEquals(v0, hash("{\"op\":\"tanh\",\"in\":[0]},{\"op\":\"mul\",\"in\":[0,0]},{\"op\":\"add\",\"in\":[4,5]}"));
    }

    @Test
    void constantsOfZeroAloneKeepTheirStructure() {
        // x / (s²_{h,w}(x) + σ(0)) against x / (s²_{h,w}(x) + v0): a fixed ½ and a trainable 0.
        String half = hash("{\"op\":\"var_hw\",\"in\":[0]},{\"op\":\"sigmoid\",\"in\":[1]},{\"op\":\"add\",\"in\":[4,5]},{\"op\":\"div\",\"in\":[0,6]}");
        String v0 = hash("{\"op\":\"var_hw\",\"in\":[0]},{\"op\":\"add\",\"in\":[4,2]},{\"op\":\"div\",\"in\":[0,5]}");
        String bare = hash("{\"op\":\"var_hw\",\"in\":[0]},{\"op\":\"add\",\"in\":[4,1]},{\"op\":\"div\",\"in\":[0,5]}");
        assertNotEquals(half, v0);
        assertNotEquals(v0, bare, "a trainable 0 is not the constant 0");
        assertEquals(v0, hash("{\"op\":\"var_hw\",\"in\":[0]},{\"op\":\"neg\",\"in\":[2]},{\"op\":\"add\",\"in\":[5,4]},{\"op\":\"div\",\"in\":[0,6]}"),
                "−v0 also starts at 0");
    }

    @Test
    void commutativeInputsAreOrderedAfterCoefficientsCollapse() {
        // add(tanh(x), tanh(v0)) and add(v0, tanh(x)): the coefficient sorts the same way in both.
        assertEquals(hash("{\"op\":\"tanh\",\"in\":[0]},{\"op\":\"tanh\",\"in\":[2]},{\"op\":\"add\",\"in\":[4,5]}"),
                hash("{\"op\":\"tanh\",\"in\":[0]},{\"op\":\"add\",\"in\":[2,4]}"));
    }

    @Test
    void structurallyEqualGraphsShareTheFormAndItIsNeverFinerThanTheStructure() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < 3000; i++) {
            LayerGraph g = RandomGraphs.generate(SearchSpace.BATCH_DEPENDENT, rng);
            LayerGraph same = GraphShuffler.equivalent(g, rng);
            assertEquals(CanonicalForm.structuralHash(g), CanonicalForm.structuralHash(same));
            assertEquals(CoefficientForm.hash(g), CoefficientForm.hash(same), GraphJson.toJson(g));
            assertEquals(CoefficientForm.hash(g), CoefficientForm.hash(CanonicalForm.of(g)));
        }
    }
}
