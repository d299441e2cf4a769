package dev.evonorm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph-executor setting reaches the layers a search builds; runs made before it compose. */
class SearchSettingsTest {

    private static Map<String, String> layerSettings() {
        Map<String, String> m = new HashMap<>();
        m.put("eps", "1e-5");
        m.put("groups", "32");
        m.put("norm_only", "affine");
        return m;
    }

    @Test
    void theStoredExecutorChoiceReachesTheLayerOptions() {
        Map<String, String> m = layerSettings();
        m.put("graph_executor", "native");
        assertTrue(new SearchSettings(m).layerOptions().fusedGraphs());
        m.put("graph_executor", "composed");
        assertFalse(new SearchSettings(m).layerOptions().fusedGraphs());
        // A run made before the setting existed keeps the arithmetic of its stored hashes.
        assertFalse(new SearchSettings(layerSettings()).layerOptions().fusedGraphs());
    }
}
